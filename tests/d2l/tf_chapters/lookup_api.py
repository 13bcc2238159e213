# ruff: noqa  (the book's code, as it is written)
# d2l-en (classic edition), chapter_preliminaries/lookup-api.md: its TensorFlow code cells in order.
# Changed: the import lines only (marked "# import changed"); "%matplotlib" lines dropped.

# %% #@tab tensorflow
import arraygrad.compat.tensorflow as tf  # import changed: import tensorflow as tf
print(dir(tf.random))

# %% #@tab tensorflow
help(tf.ones)

# %% #@tab tensorflow
tf.ones(4)
