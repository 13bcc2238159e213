# ruff: noqa  (the book's code, as it is written)
# d2l-en (classic edition), chapter_deep-learning-computation/deferred-init.md: its TensorFlow code cells in order.
# Changed: the import lines only (marked "# import changed"); "%matplotlib" lines dropped.

# %% #@tab tensorflow
import arraygrad.compat.tensorflow as tf  # import changed: import tensorflow as tf

net = tf.keras.models.Sequential([
    tf.keras.layers.Dense(256, activation=tf.nn.relu),
    tf.keras.layers.Dense(10),
])

# %% #@tab tensorflow
[net.layers[i].get_weights() for i in range(len(net.layers))]

# %% #@tab tensorflow
X = tf.random.uniform((2, 20))
net(X)
[w.shape for w in net.get_weights()]
