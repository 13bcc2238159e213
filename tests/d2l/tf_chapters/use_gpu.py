# ruff: noqa  (the book's code, as it is written)
# d2l-en (classic edition), chapter_deep-learning-computation/use-gpu.md: its TensorFlow code cells in order
# (the "!nvidia-smi" shell cell left out).
# Changed: the import lines only (marked "# import changed").

# %% #@tab tensorflow
import arraygrad.compat.tensorflow as tf  # import changed: import tensorflow as tf

tf.device('/CPU:0'), tf.device('/GPU:0'), tf.device('/GPU:1')

# %% #@tab tensorflow
len(tf.config.experimental.list_physical_devices('GPU'))

# %% #@tab tensorflow
def try_gpu(i=0):  #@save
    """Return gpu(i) if exists, otherwise return cpu()."""
    if len(tf.config.experimental.list_physical_devices('GPU')) >= i + 1:
        return tf.device(f'/GPU:{i}')
    return tf.device('/CPU:0')

def try_all_gpus():  #@save
    """Return all available GPUs, or [cpu(),] if no GPU exists."""
    num_gpus = len(tf.config.experimental.list_physical_devices('GPU'))
    devices = [tf.device(f'/GPU:{i}') for i in range(num_gpus)]
    return devices if devices else [tf.device('/CPU:0')]

try_gpu(), try_gpu(10), try_all_gpus()

# %% #@tab tensorflow
x = tf.constant([1, 2, 3])
x.device

# %% #@tab tensorflow
with try_gpu():
    X = tf.ones((2, 3))
X

# %% #@tab tensorflow
with try_gpu(1):
    Y = tf.random.uniform((2, 3))
Y

# %% #@tab tensorflow
with try_gpu(1):
    Z = X
print(X)
print(Z)

# %% #@tab all
Y + Z

# %% #@tab tensorflow
with try_gpu(1):
    Z2 = Z
Z2 is Z

# %% #@tab tensorflow
strategy = tf.distribute.MirroredStrategy()
with strategy.scope():
    net = tf.keras.models.Sequential([
        tf.keras.layers.Dense(1)])

# %% #@tab all
net(X)

# %% #@tab tensorflow
net.layers[0].weights[0].device, net.layers[0].weights[1].device
