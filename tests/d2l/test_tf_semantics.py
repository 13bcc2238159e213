"""What the TensorFlow front door promises beyond the chapters: TensorFlow's and Keras'
semantics for the ops, tf.data, layers, losses, initializers and optimizers."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad.compat.tensorflow as tf


def v(t):
    return np.asarray(t.numpy())


# ---------------------------------------------------------------------------- ops


def test_gather_boolean_mask_one_hot():
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as t:
        y = tf.reduce_sum(tf.gather(x, tf.constant([2, 0, 2])))
    assert v(t.gradient(y, x)).tolist() == [[1, 1], [0, 0], [2, 2]]
    np.testing.assert_array_equal(v(tf.gather(x, [1], axis=1)), [[2], [4], [6]])
    with pytest.raises(TypeError, match="tf.gather: indices must be integers"):
        tf.gather(x, [0.5])
    # a float mask counts non-zero as True (the d2l cross_entropy relies on it)
    with tf.GradientTape() as t:
        picked = tf.boolean_mask(x, tf.constant([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]]))
    assert v(picked).tolist() == [2, 3]
    assert v(t.gradient(tf.reduce_sum(picked), x)).tolist() == [[0, 1], [1, 0], [0, 0]]
    assert v(tf.boolean_mask(x, [True, False, True])).tolist() == [[1, 2], [5, 6]]
    assert v(tf.boolean_mask(x, [False, True], axis=1)).tolist() == [[2], [4], [6]]
    with pytest.raises(ValueError, match="mask's shape"):
        tf.boolean_mask(x, [True, False])
    hot = tf.one_hot(tf.constant([0, 2, -1, 3]), depth=3)
    assert hot.dtype == np.float32
    assert v(hot).tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]]  # out of range: 0s
    assert v(tf.one_hot([1], 2, on_value=5, off_value=-1)).tolist() == [[-1, 5]]
    assert v(tf.one_hot([1, 0], 2, axis=0)).tolist() == [[0, 1], [1, 0]]


def test_reductions_argmax_cumsum():
    A = tf.reshape(tf.range(24, dtype=tf.float32), (2, 3, 4))
    assert v(tf.reduce_sum(A, axis=[0, 2])).tolist() == [60, 92, 124]
    assert v(tf.reduce_mean(A, axis=[0, 1], keepdims=True)).shape == (1, 1, 4)
    assert v(tf.reduce_mean(tf.constant([1, 2]))) == 1  # integer mean, as TensorFlow
    m = tf.constant([[1.0, 5.0], [7.0, 2.0]])
    assert v(tf.argmax(m)).tolist() == [1, 0] and tf.argmax(m).dtype == np.int64  # axis 0
    assert v(tf.argmax(m, axis=1)).tolist() == [1, 0]
    x = tf.constant([1, 2, 3])
    assert v(tf.cumsum(x)).tolist() == [1, 3, 6]
    assert v(tf.cumsum(x, exclusive=True)).tolist() == [0, 1, 3]
    assert v(tf.cumsum(x, reverse=True)).tolist() == [6, 5, 3]


def test_variable_slices_assign_back():
    var = tf.Variable(tf.zeros((3, 4)))
    assert var[1:2, :].assign(9) is var
    var[0, :2].assign_add(tf.ones(2))
    var[2].assign_sub([1.0, 2.0, 3.0, 4.0])
    assert v(var).tolist() == [[1, 1, 0, 0], [9, 9, 9, 9], [-1, -2, -3, -4]]
    with pytest.raises(ValueError, match="cannot write a value of shape"):
        var[0].assign([1.0, 2.0])
    assert v(var)[0].tolist() == [1, 1, 0, 0]  # a refused write changes nothing
    sl = var[1]
    assert v(sl + 1).tolist() == [10, 10, 10, 10]  # an ordinary tensor otherwise
    with tf.GradientTape() as t:
        y = tf.reduce_sum(var[1:] * 2)
    assert v(t.gradient(y, var))[0].tolist() == [0, 0, 0, 0]
    assert "tf.Variable 'Variable:0'" in str(var)


def test_random_is_seeded():
    tf.random.set_seed(3)
    a = v(tf.random.normal((3,))), v(tf.random.shuffle(tf.range(10)))
    tf.random.set_seed(3)
    b = v(tf.random.normal((3,))), v(tf.random.shuffle(tf.range(10)))
    assert (a[0] == b[0]).all() and (a[1] == b[1]).all()
    assert sorted(a[1].tolist()) == list(range(10))
    assert tf.random.uniform((2,), -10, 10, dtype=None).dtype == np.float32


# ---------------------------------------------------------------------------- tf.data


def test_dataset_slices_batches_and_structure():
    X = np.arange(10).reshape(5, 2)
    y = np.arange(5)
    batches = list(tf.data.Dataset.from_tensor_slices((X, y)).batch(2))
    assert [b[0].shape for b in batches] == [(2, 2), (2, 2), (1, 2)]
    assert v(batches[2][1]).tolist() == [4]
    dropped = tf.data.Dataset.from_tensor_slices((X, y)).batch(2, drop_remainder=True)
    assert len(dropped) == 2 and len(list(dropped)) == 2
    d = tf.data.Dataset.from_tensor_slices({"a": X, "b": y})
    first = next(iter(d))
    assert set(first) == {"a", "b"} and v(first["a"]).tolist() == [0, 1]
    # the same data through the generic (element by element) path after map
    mapped = tf.data.Dataset.from_tensor_slices((X, y)).map(lambda a, b: (a * 2, b)).batch(2)
    assert v(next(iter(mapped))[0]).tolist() == [[0, 2], [4, 6]]
    assert list(tf.data.Dataset.range(5).skip(1).take(2).as_numpy_iterator()) == [1, 2]
    assert len(tf.data.Dataset.range(3).repeat(2)) == 6
    with pytest.raises(TypeError, match="infinite"):
        len(tf.data.Dataset.range(3).repeat())


def test_dataset_shuffle_semantics():
    tf.random.set_seed(0)
    d = tf.data.Dataset.from_tensor_slices(np.arange(100)).shuffle(100)
    first, second = [v(x).item() for x in d], [v(x).item() for x in d]
    assert sorted(first) == list(range(100)) and first != list(range(100))
    assert first != second  # reshuffled at every pass
    fixed = tf.data.Dataset.from_tensor_slices(np.arange(20)).shuffle(
        20, reshuffle_each_iteration=False)
    assert [v(x).item() for x in fixed] == [v(x).item() for x in fixed]
    # buffer 1: no shuffling at all; a small buffer moves each element only so far
    assert [v(x).item() for x in tf.data.Dataset.range(10).shuffle(1)] == list(range(10))
    small = [v(x).item() for x in tf.data.Dataset.from_tensor_slices(np.arange(50))
             .shuffle(5)]
    assert sorted(small) == list(range(50))
    assert all(pos >= value - 4 for pos, value in enumerate(small))
    # shuffle after batch moves whole batches
    batches = [v(b).tolist() for b in tf.data.Dataset.from_tensor_slices(np.arange(9))
               .batch(3).shuffle(10)]
    assert sorted(batches) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]


# ---------------------------------------------------------------------------- tf.keras


def test_dense_builds_on_first_call_with_an_in_out_kernel():
    layer = tf.keras.layers.Dense(3, activation="relu")
    assert layer.weights == [] and not layer.built
    out = layer(np.ones((2, 5), dtype=np.float64))  # float inputs are cast to float32
    assert out.dtype == np.float32 and out.shape == (2, 3)
    k, b = layer.weights
    assert k.shape == (5, 3) and b.shape == (3,)
    limit = np.sqrt(6 / (5 + 3))  # Glorot uniform
    assert (np.abs(v(k)) <= limit).all() and not v(b).any()
    np.testing.assert_allclose(v(out), np.maximum(np.ones((2, 5)) @ v(k), 0), rtol=1e-6)
    with pytest.raises(ValueError, match="built for 5"):
        layer(np.ones((2, 4)))
    with pytest.raises(ValueError, match="at least 2 axes"):
        tf.keras.layers.Dense(2)(tf.ones(3))


def test_dropout_only_with_training_true():
    tf.random.set_seed(0)
    x = tf.ones((50, 40))
    drop = tf.keras.layers.Dropout(0.5)
    assert (v(drop(x)) == 1).all()
    assert (v(drop(x, training=False)) == 1).all()
    y = v(drop(x, training=True))
    assert set(np.unique(y)) == {0.0, 2.0}
    net = tf.keras.Sequential([tf.keras.layers.Flatten(), drop])
    assert (v(net(x)) == 1).all()
    assert (v(net(x, training=True)) == 0).any()  # the flag reaches the layers inside

    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.inner = tf.keras.Sequential([tf.keras.layers.Dropout(0.5)])
            self.seen = []

        def call(self, inputs, training=None):
            self.seen.append(training)
            return self.inner(inputs)

    model = Net()
    assert (v(model(x)) == 1).all() and (v(model(x, training=True)) == 0).any()
    assert model.seen == [None, True]


def test_tracking_order_losses_and_weights():
    class Block(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.parts = []
            self.parts.append(tf.keras.layers.Dense(4, kernel_regularizer=
                                                    tf.keras.regularizers.l2(0.5)))
            self.scale = tf.Variable(2.0)
            self.frozen = tf.keras.layers.Dense(2)
            self.frozen.trainable = False

        def call(self, x):
            return self.frozen(self.parts[0](x)) * self.scale

    block = Block()
    block(tf.ones((1, 3)))
    assert [w.shape for w in block.trainable_variables] == [(), (3, 4), (4,)]
    assert [w.shape for w in block.non_trainable_variables] == [(4, 2), (2,)]
    assert [w.shape for w in block.weights] == [(), (3, 4), (4,), (4, 2), (2,)]
    kernel = block.parts[0].kernel
    (penalty,) = block.losses
    np.testing.assert_allclose(float(penalty), 0.5 * (v(kernel) ** 2).sum(), rtol=1e-6)
    with tf.GradientTape() as t:
        penalty = block.losses[0]  # evaluated when read: a tape records it
    np.testing.assert_allclose(v(t.gradient(penalty, kernel)), v(kernel), rtol=1e-6)
    block.set_weights([np.zeros(s) for s in [(), (3, 4), (4,), (4, 2), (2,)]])
    assert not any(w.any() for w in block.get_weights())
    with pytest.raises(ValueError, match="got 1 arrays for 5 weights"):
        block.set_weights([np.zeros(())])


def test_keras_losses_reductions_and_squeeze():
    y_true = tf.constant([1.0, 2.0, 3.0])
    y_pred = tf.constant([[1.5], [2.0], [1.0]])
    mse = tf.keras.losses.MeanSquaredError()
    # y_pred's trailing axis of 1 is squeezed: 3 pairs, not a 3x3 broadcast
    np.testing.assert_allclose(float(mse(y_true, y_pred)), (0.25 + 0 + 4) / 3, rtol=1e-6)
    np.testing.assert_allclose(float(mse(y_pred, y_true)), (0.25 + 0 + 4) / 3, rtol=1e-6)
    none = tf.keras.losses.MeanSquaredError(reduction=tf.keras.losses.Reduction.NONE)
    # per example: the mean over the last axis (a 1-D pair is one example, as in Keras)
    np.testing.assert_allclose(float(none(y_true, y_pred)), (0.25 + 0 + 4) / 3, rtol=1e-6)
    column = tf.reshape(y_true, (3, 1))
    np.testing.assert_allclose(v(none(column, y_pred)), [0.25, 0, 4], rtol=1e-6)
    total = tf.keras.losses.MeanSquaredError(reduction="sum")
    np.testing.assert_allclose(float(total(column, y_pred, sample_weight=[1, 1, 0])), 0.25)
    assert isinstance(mse, tf.keras.losses.Loss)

    class Halved(tf.keras.losses.Loss):
        def call(self, y_true, y_pred):
            return (y_true - y_pred) ** 2 / 2

    np.testing.assert_allclose(float(Halved()(tf.constant([2.0]), tf.constant([0.0]))), 2.0)
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        tf.keras.losses.MeanSquaredError(reduction="mean")


def test_initializers():
    tf.random.set_seed(0)
    w = v(tf.keras.initializers.RandomNormal(mean=1.0, stddev=0.1)((400, 50)))
    assert abs(w.mean() - 1) < 0.01 and abs(w.std() - 0.1) < 0.01 and w.dtype == np.float32
    seeded = tf.keras.initializers.GlorotUniform(seed=4)
    assert (v(seeded((3, 2))) == v(seeded((3, 2)))).all()  # a seed repeats its draws
    t = v(tf.keras.initializers.TruncatedNormal(stddev=1.0)((10000,)))
    assert np.abs(t).max() <= 2
    he = v(tf.keras.initializers.HeNormal()((500, 100)))
    np.testing.assert_allclose(he.std(), np.sqrt(2 / 500), rtol=0.05)  # fan_in = shape[0]
    assert (v(tf.keras.initializers.Constant(42)((2, 2))) == 42).all()
    assert not v(tf.zeros_initializer()((3,))).any()
    assert np.abs(v(tf.random_normal_initializer()((1000,)))).std() < 0.06  # stddev 0.05
    with pytest.raises(ValueError, match="Unknown initializer"):
        tf.keras.initializers.get("nope")


def test_regularizer_l2_has_no_half():
    w = tf.constant([1.0, -2.0])
    assert float(tf.keras.regularizers.l2(0.1)(w)) == pytest.approx(0.5)
    assert float(tf.keras.regularizers.L1L2(l1=1.0, l2=1.0)(w)) == pytest.approx(8.0)


def test_optimizer_applies_only_given_gradients():
    a, b = tf.Variable([1.0]), tf.Variable([1.0])
    opt = tf.keras.optimizers.SGD(learning_rate=0.5)
    opt.apply_gradients([(tf.constant([2.0]), a), (None, b)])
    assert v(a).tolist() == [0.0] and v(b).tolist() == [1.0]
    opt.apply_gradients([(tf.constant([1.0]), b)])  # a variable seen for the first time
    assert v(a).tolist() == [0.0] and v(b).tolist() == [0.5]
    opt.learning_rate = 1.0
    opt.apply_gradients([(tf.constant([1.0]), a)])
    assert v(a).tolist() == [-1.0] and opt.iterations == 3
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply_gradients([(None, a)])
    with pytest.raises(ValueError, match="has shape"):
        opt.apply_gradients([(tf.constant([1.0, 2.0]), a)])
    assert isinstance(opt, tf.keras.optimizers.Optimizer)
    with pytest.raises(NotImplementedError, match="clipnorm"):
        tf.keras.optimizers.SGD(clipnorm=1.0)


def test_summary_and_names():
    tf.keras.backend.clear_session()
    net = tf.keras.Sequential([tf.keras.layers.Dense(4), tf.keras.layers.Dense(1)], name="m")
    with pytest.raises(ValueError, match="not yet been built"):
        net.summary()
    net.build(input_shape=(None, 3))
    lines = []
    net.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "m"' in text and "dense (Dense)" in text and "dense_1 (Dense)" in text
    assert "Total params: 21" in text
    assert [w.name for w in net.weights] == ["dense/kernel", "dense/bias", "dense_1/kernel",
                                             "dense_1/bias"]


def test_forgotten_super_init_is_a_clear_error():
    class Bad(tf.keras.Model):
        def __init__(self):
            self.dense = tf.keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    with pytest.raises(RuntimeError, match="super\\(\\).__init__\\(\\)"):
        Bad()(tf.ones((1, 2)))


def test_freezing_a_layer_freezes_what_is_inside():
    inner = tf.keras.Sequential([tf.keras.layers.Dense(2)])
    outer = tf.keras.Sequential([tf.keras.Sequential([inner]), tf.keras.layers.Dense(1)])
    outer(tf.ones((1, 3)))
    outer.layers[0].trainable = False
    assert [w.shape for w in outer.trainable_variables] == [(2, 1), (1,)]
    assert [w.shape for w in outer.non_trainable_variables] == [(3, 2), (2,)]
    assert len(outer.weights) == 4


def test_activity_losses_belong_to_the_last_call():
    net = tf.keras.Sequential([tf.keras.layers.Dense(
        2, kernel_initializer="ones", activity_regularizer=tf.keras.regularizers.l2(1.0))])
    net(tf.ones((2, 3)))
    (first,) = net.losses
    np.testing.assert_allclose(float(first), 4 * 9 / 2)  # sum(out**2) / batch size
    net(tf.zeros((2, 3)))
    assert [float(x) for x in net.losses] == [0.0]  # the new call's loss replaced it


def test_the_d2l_library_bases_can_be_subclassed():
    """d2l/tensorflow.py defines these at import time (TrainCallback, Residual, RNNModel,
    MaskedSoftmaxCELoss, Encoder ...): importing the whole library needs them."""

    class TrainCallback(tf.keras.callbacks.Callback):
        def __init__(self, net):
            super().__init__()
            self.net = net

    class Encoder(tf.keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def call(self, X, *args, **kwargs):
            raise NotImplementedError

    class MaskedSoftmaxCELoss(tf.keras.losses.Loss):
        def __init__(self, valid_len):
            super().__init__(reduction="none")
            self.valid_len = valid_len

    assert TrainCallback(None).model is None
    assert Encoder(name="enc").name == "enc"
    assert MaskedSoftmaxCELoss(3).reduction == "none"
    assert tf.keras.backend.epsilon() == 1e-7 and tf.data.AUTOTUNE == -1
