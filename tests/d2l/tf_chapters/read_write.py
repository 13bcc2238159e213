# ruff: noqa  (the book's code, as it is written)
# d2l-en (classic edition), chapter_deep-learning-computation/read-write.md: its TensorFlow code cells in order.
# Changed: the import lines only (marked "# import changed"); "%matplotlib" lines dropped.

# %% #@tab tensorflow
import arraygrad.compat.tensorflow as tf  # import changed: import tensorflow as tf
import numpy as np

x = tf.range(4)
np.save('x-file.npy', x)

# %% #@tab tensorflow
x2 = np.load('x-file.npy', allow_pickle=True)
x2

# %% #@tab tensorflow
y = tf.zeros(4)
np.save('xy-files.npy', [x, y])
x2, y2 = np.load('xy-files.npy', allow_pickle=True)
(x2, y2)

# %% #@tab tensorflow
mydict = {'x': x, 'y': y}
np.save('mydict.npy', mydict)
mydict2 = np.load('mydict.npy', allow_pickle=True)
mydict2

# %% #@tab tensorflow
class MLP(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.flatten = tf.keras.layers.Flatten()
        self.hidden = tf.keras.layers.Dense(units=256, activation=tf.nn.relu)
        self.out = tf.keras.layers.Dense(units=10)

    def call(self, inputs):
        x = self.flatten(inputs)
        x = self.hidden(x)
        return self.out(x)

net = MLP()
X = tf.random.uniform((2, 20))
Y = net(X)

# %% #@tab tensorflow
net.save_weights('mlp.params')

# %% #@tab tensorflow
clone = MLP()
clone.load_weights('mlp.params')

# %% #@tab tensorflow
Y_clone = clone(X)
Y_clone == Y
