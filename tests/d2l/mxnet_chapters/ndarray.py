# The mxnet code cells of d2l.ai (classic edition) chapter_preliminaries/ndarray.md, in order,
# verbatim but for the import lines (mxnet -> arraygrad.compat.mxnet, d2l -> d2l_mxnet)
# and the IPython magics (`%matplotlib inline`, `!nvidia-smi`: dropped).
# ruff: noqa

# ---- cell 0
from arraygrad.compat.mxnet import np, npx
npx.set_np()

# ---- cell 1
x = np.arange(12)
x

# ---- cell 2
x.shape

# ---- cell 3
x.size

# ---- cell 4
X = x.reshape(3, 4)
X

# ---- cell 5
np.zeros((2, 3, 4))

# ---- cell 6
np.ones((2, 3, 4))

# ---- cell 7
np.random.normal(0, 1, size=(3, 4))

# ---- cell 8
np.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])

# ---- cell 9
x = np.array([1, 2, 4, 8])
y = np.array([2, 2, 2, 2])
x + y, x - y, x * y, x / y, x ** y  # The ** operator is exponentiation

# ---- cell 10
np.exp(x)

# ---- cell 11
X = np.arange(12).reshape(3, 4)
Y = np.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
np.concatenate([X, Y], axis=0), np.concatenate([X, Y], axis=1)

# ---- cell 12
X == Y

# ---- cell 13
X.sum()

# ---- cell 14
a = np.arange(3).reshape(3, 1)
b = np.arange(2).reshape(1, 2)
a, b

# ---- cell 15
a + b

# ---- cell 16
X[-1], X[1:3]

# ---- cell 17
X[1, 2] = 9
X

# ---- cell 18
X[0:2, :] = 12
X

# ---- cell 19
before = id(Y)
Y = Y + X
id(Y) == before

# ---- cell 20
Z = np.zeros_like(Y)
print('id(Z):', id(Z))
Z[:] = X + Y
print('id(Z):', id(Z))

# ---- cell 21
before = id(X)
X += Y
id(X) == before

# ---- cell 22
A = X.asnumpy()
B = np.array(A)
type(A), type(B)

# ---- cell 23
a = np.array([3.5])
a, a.item(), float(a), int(a)
