# ruff: noqa  (the book's code, as it is written)
# d2l-en (classic edition), chapter_preliminaries/linear-algebra.md: its TensorFlow code cells in order.
# Changed: the import lines only (marked "# import changed"); "%matplotlib" lines dropped.

# %% #@tab tensorflow
import arraygrad.compat.tensorflow as tf  # import changed: import tensorflow as tf

x = tf.constant(3.0)
y = tf.constant(2.0)

x + y, x * y, x / y, x**y

# %% #@tab tensorflow
x = tf.range(4)
x

# %% #@tab tensorflow
x[3]

# %% #@tab tensorflow
len(x)

# %% #@tab tensorflow
x.shape

# %% #@tab tensorflow
A = tf.reshape(tf.range(20), (5, 4))
A

# %% #@tab tensorflow
tf.transpose(A)

# %% #@tab tensorflow
B = tf.constant([[1, 2, 3], [2, 0, 4], [3, 4, 5]])
B

# %% #@tab tensorflow
B == tf.transpose(B)

# %% #@tab tensorflow
X = tf.reshape(tf.range(24), (2, 3, 4))
X

# %% #@tab tensorflow
A = tf.reshape(tf.range(20, dtype=tf.float32), (5, 4))
B = A  # No cloning of `A` to `B` by allocating new memory
A, A + B

# %% #@tab tensorflow
A * B

# %% #@tab tensorflow
a = 2
X = tf.reshape(tf.range(24), (2, 3, 4))
a + X, (a * X).shape

# %% #@tab tensorflow
x = tf.range(4, dtype=tf.float32)
x, tf.reduce_sum(x)

# %% #@tab tensorflow
A.shape, tf.reduce_sum(A)

# %% #@tab tensorflow
A_sum_axis0 = tf.reduce_sum(A, axis=0)
A_sum_axis0, A_sum_axis0.shape

# %% #@tab tensorflow
A_sum_axis1 = tf.reduce_sum(A, axis=1)
A_sum_axis1, A_sum_axis1.shape

# %% #@tab tensorflow
tf.reduce_sum(A, axis=[0, 1])  # Same as `tf.reduce_sum(A)`

# %% #@tab tensorflow
tf.reduce_mean(A), tf.reduce_sum(A) / tf.size(A).numpy()

# %% #@tab tensorflow
tf.reduce_mean(A, axis=0), tf.reduce_sum(A, axis=0) / A.shape[0]

# %% #@tab tensorflow
sum_A = tf.reduce_sum(A, axis=1, keepdims=True)
sum_A

# %% #@tab tensorflow
A / sum_A

# %% #@tab tensorflow
tf.cumsum(A, axis=0)

# %% #@tab tensorflow
y = tf.ones(4, dtype=tf.float32)
x, y, tf.tensordot(x, y, axes=1)

# %% #@tab tensorflow
tf.reduce_sum(x * y)

# %% #@tab tensorflow
A.shape, x.shape, tf.linalg.matvec(A, x)

# %% #@tab tensorflow
B = tf.ones((4, 3), tf.float32)
tf.matmul(A, B)

# %% #@tab tensorflow
u = tf.constant([3.0, -4.0])
tf.norm(u)

# %% #@tab tensorflow
tf.reduce_sum(tf.abs(u))

# %% #@tab tensorflow
tf.norm(tf.ones((4, 9)))
