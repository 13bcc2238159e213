# ruff: noqa  (the book's code, as it is written)
# d2l-en (classic edition), chapter_preliminaries/probability.md: its TensorFlow code cells
# that do not use TensorFlow Probability (tfp.distributions.Multinomial draws the rest).
# Changed: the import lines only (marked "# import changed"); "%matplotlib" lines dropped.

# %% #@tab tensorflow
import tf_d2l as d2l  # import changed: from d2l import tensorflow as d2l
import arraygrad.compat.tensorflow as tf  # import changed: import tensorflow as tf
# import tensorflow_probability as tfp  (not part of TensorFlow; its cells are left out)
import numpy as np

# %% #@tab tensorflow
fair_probs = tf.ones(6) / 6
fair_probs
