# ruff: noqa  (the book's code, as it is written)
# d2l-en (classic edition), chapter_linear-networks/softmax-regression-concise.md: its TensorFlow code cells in order.
# Changed: the import lines only (marked "# import changed"); "%matplotlib" lines dropped.

# %% #@tab tensorflow
import tf_d2l as d2l  # import changed: from d2l import tensorflow as d2l
import arraygrad.compat.tensorflow as tf  # import changed: import tensorflow as tf

# %% #@tab all
batch_size = 256
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)

# %% #@tab tensorflow
net = tf.keras.models.Sequential()
net.add(tf.keras.layers.Flatten(input_shape=(28, 28)))
weight_initializer = tf.keras.initializers.RandomNormal(mean=0.0, stddev=0.01)
net.add(tf.keras.layers.Dense(10, kernel_initializer=weight_initializer))

# %% #@tab tensorflow
loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

# %% #@tab tensorflow
trainer = tf.keras.optimizers.SGD(learning_rate=.1)

# %% #@tab all
num_epochs = 10
d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)
