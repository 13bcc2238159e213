# ruff: noqa  (the book's code, as it is written)
# d2l-en (classic edition), chapter_preliminaries/ndarray.md: its TensorFlow code cells in order.
# Changed: the import lines only (marked "# import changed"); "%matplotlib" lines dropped.

# %% #@tab tensorflow
import arraygrad.compat.tensorflow as tf  # import changed: import tensorflow as tf

# %% #@tab tensorflow
x = tf.range(12, dtype=tf.float32)
x

# %% #@tab all
x.shape

# %% #@tab tensorflow
tf.size(x)

# %% #@tab tensorflow
X = tf.reshape(x, (3, 4))
X

# %% #@tab tensorflow
tf.zeros((2, 3, 4))

# %% #@tab tensorflow
tf.ones((2, 3, 4))

# %% #@tab tensorflow
tf.random.normal(shape=[3, 4])

# %% #@tab tensorflow
tf.constant([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])

# %% #@tab tensorflow
x = tf.constant([1.0, 2, 4, 8])
y = tf.constant([2.0, 2, 2, 2])
x + y, x - y, x * y, x / y, x ** y  # The ** operator is exponentiation

# %% #@tab tensorflow
tf.exp(x)

# %% #@tab tensorflow
X = tf.reshape(tf.range(12, dtype=tf.float32), (3, 4))
Y = tf.constant([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
tf.concat([X, Y], axis=0), tf.concat([X, Y], axis=1)

# %% #@tab all
X == Y

# %% #@tab tensorflow
tf.reduce_sum(X)

# %% #@tab tensorflow
a = tf.reshape(tf.range(3), (3, 1))
b = tf.reshape(tf.range(2), (1, 2))
a, b

# %% #@tab all
a + b

# %% #@tab all
X[-1], X[1:3]

# %% #@tab tensorflow
X_var = tf.Variable(X)
X_var[1, 2].assign(9)
X_var

# %% #@tab tensorflow
X_var = tf.Variable(X)
X_var[0:2, :].assign(tf.ones(X_var[0:2,:].shape, dtype = tf.float32) * 12)
X_var

# %% #@tab all
before = id(Y)
Y = Y + X
id(Y) == before

# %% #@tab tensorflow
Z = tf.Variable(tf.zeros_like(Y))
print('id(Z):', id(Z))
Z.assign(X + Y)
print('id(Z):', id(Z))

# %% #@tab tensorflow
@tf.function
def computation(X, Y):
    Z = tf.zeros_like(Y)  # This unused value will be pruned out
    A = X + Y  # Allocations will be re-used when no longer needed
    B = A + Y
    C = B + Y
    return C + Y

computation(X, Y)

# %% #@tab tensorflow
A = X.numpy()
B = tf.constant(A)
type(A), type(B)

# %% #@tab tensorflow
a = tf.constant([3.5]).numpy()
# NumPy >= 2.4 no longer converts a 1-element 1-D array with float()/int() (with real
# TensorFlow too, since .numpy() is a NumPy array): the book's `float(a), int(a)` read
a, a.item(), float(a[0]), int(a[0])
