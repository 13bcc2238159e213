"""The seeds' autograd lesson (d2l.ai "Automatic Differentiation"), run on arraygrad.

Prints each result the seed prints, in the MXNet idiom and the PyTorch idiom.
"""

import arraygrad as ag
from arraygrad import autograd
from arraygrad import numpy as np

# --- A simple example: y = 2 x^T x, dy/dx = 4x -------------------------------------
x = np.arange(4.0)
x.attach_grad()
print("x.grad before backward:", x.grad)
with autograd.record():
    y = 2 * np.dot(x, x)
print("y =", y)
y.backward()
print("x.grad =", x.grad, " equals 4x:", x.grad == 4 * x)

with autograd.record():
    y = x.sum()
y.backward()
print("grad of x.sum():", x.grad)

# --- Backward for non-scalar variables: y.backward() means y.sum().backward() -------------
with autograd.record():
    y = x * x
y.backward()
print("grad of x * x:", x.grad)

# --- Detaching computation ---------------------------------------------------------
with autograd.record():
    y = x * x
    u = y.detach()
    z = u * x
z.backward()
print("x.grad == u:", x.grad == u)

# --- Control flow: a's gradient is d / a -------------------------------------------
def f(a):
    b = a * 2
    while np.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


np.random.seed(0)
a = np.random.normal(size=())
a.attach_grad()
with autograd.record():
    d = f(a)
d.backward()
print("a.grad == d / a:", bool(a.grad == d / a))

# --- The PyTorch idiom: accumulation and vector-Jacobian products ------------------
inp = ag.tensor(np.eye(5), requires_grad=True)
out = (inp + 1) ** 2
out.backward(np.ones_like(out), retain_graph=True)
print("First call\n", inp.grad)
out.backward(np.ones_like(out))
print("Second call\n", inp.grad)
inp.grad.zero_()
out = (inp + 1) ** 2
out.backward(np.ones_like(out))
print("Call after zeroing gradients\n", inp.grad)
