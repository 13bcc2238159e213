# ruff: noqa  (the book's code, as it is written)
# d2l-en (classic edition), chapter_preliminaries/autograd.md: its TensorFlow code cells in order.
# Changed: the import lines only (marked "# import changed"); "%matplotlib" lines dropped.

# %% #@tab tensorflow
import arraygrad.compat.tensorflow as tf  # import changed: import tensorflow as tf

x = tf.range(4, dtype=tf.float32)
x

# %% #@tab tensorflow
x = tf.Variable(x)

# %% #@tab tensorflow
# Record all computations onto a tape
with tf.GradientTape() as t:
    y = 2 * tf.tensordot(x, x, axes=1)
y

# %% #@tab tensorflow
x_grad = t.gradient(y, x)
x_grad

# %% #@tab tensorflow
x_grad == 4 * x

# %% #@tab tensorflow
with tf.GradientTape() as t:
    y = tf.reduce_sum(x)
t.gradient(y, x)  # Overwritten by the newly calculated gradient

# %% #@tab tensorflow
with tf.GradientTape() as t:
    y = x * x
t.gradient(y, x)  # Same as `y = tf.reduce_sum(x * x)`

# %% #@tab tensorflow
# Set `persistent=True` to run `t.gradient` more than once
with tf.GradientTape(persistent=True) as t:
    y = x * x
    u = tf.stop_gradient(y)
    z = u * x

x_grad = t.gradient(z, x)
x_grad == u

# %% #@tab tensorflow
t.gradient(y, x) == 2 * x

# %% #@tab tensorflow
def f(a):
    b = a * 2
    while tf.norm(b) < 1000:
        b = b * 2
    if tf.reduce_sum(b) > 0:
        c = b
    else:
        c = 100 * b
    return c

# %% #@tab tensorflow
a = tf.Variable(tf.random.normal(shape=()))
with tf.GradientTape() as t:
    d = f(a)
d_grad = t.gradient(d, a)
d_grad

# %% #@tab tensorflow
d_grad == d / a
