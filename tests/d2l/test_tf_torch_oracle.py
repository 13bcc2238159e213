"""The TensorFlow idiom's training numbers against PyTorch 2.13 (the test oracle): the
same synthetic Fashion-MNIST batches, the same initial weights (a Keras kernel ``(in,
out)`` is a PyTorch weight transposed), the same optimiser; the losses agree to 1e-5
step by step and the weights at the end."""

from __future__ import annotations

import numpy as np
import pytest

import arraygrad.compat.tensorflow as tf

torch = pytest.importorskip("torch")
import fashion  # noqa: E402  (tests/d2l is on the path: pytest puts it there)


@pytest.fixture
def data():
    tf.random.set_seed(0)
    (x, y), _ = fashion.load(768, 10)
    return (x.reshape(-1, 28, 28) / 255).astype(np.float32), y.astype(np.int32)


def _torch_copy(net, sizes):
    """A torch MLP with the Keras model's weights (kernels transposed)."""
    mods = []
    for i in range(len(sizes) - 1):
        mods.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            mods.append(torch.nn.ReLU())
    tnet = torch.nn.Sequential(torch.nn.Flatten(), *mods).double()
    ws = net.get_weights()
    linears = [m for m in tnet if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for lin, k, b in zip(linears, ws[0::2], ws[1::2]):
            lin.weight.copy_(torch.tensor(k.T, dtype=torch.float64))
            lin.bias.copy_(torch.tensor(b, dtype=torch.float64))
    return tnet.float(), linears


def _train_both(net, tnet, data, lr, momentum=0.0, nesterov=False, steps=3, training=True):
    x, y = data
    loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    trainer = tf.keras.optimizers.SGD(learning_rate=lr, momentum=momentum, nesterov=nesterov)
    ttrainer = torch.optim.SGD(tnet.parameters(), lr=lr, momentum=momentum,
                               nesterov=nesterov)
    ours, theirs = [], []
    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(256)
    for _ in range(steps):
        for X, Y in batches:
            with tf.GradientTape() as tape:
                l = loss(Y, net(X, training=True) if training else net(X))
            grads = tape.gradient(l, net.trainable_variables)
            trainer.apply_gradients(zip(grads, net.trainable_variables))
            tl = torch.nn.functional.cross_entropy(tnet(torch.tensor(X.numpy())),
                                                   torch.tensor(Y.numpy()).long())
            ttrainer.zero_grad()
            tl.backward()
            ttrainer.step()
            ours.append(float(l))
            theirs.append(tl.item())
    return np.array(ours), np.array(theirs)


def test_softmax_regression_concise_matches_torch(data):
    net = tf.keras.models.Sequential()
    net.add(tf.keras.layers.Flatten(input_shape=(28, 28)))
    net.add(tf.keras.layers.Dense(10, kernel_initializer=tf.keras.initializers.RandomNormal(
        mean=0.0, stddev=0.01)))
    tnet, linears = _torch_copy(net, [784, 10])
    ours, theirs = _train_both(net, tnet, data, lr=0.1)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    assert ours[-1] < ours[0]
    np.testing.assert_allclose(net.get_weights()[0], linears[0].weight.detach().numpy().T,
                               atol=1e-5)


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_mlp_concise_and_keras_sgd_match_torch(data, momentum, nesterov):
    net = tf.keras.models.Sequential([
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(10)])
    net(data[0][:1])
    tnet, linears = _torch_copy(net, [784, 64, 10])
    ours, theirs = _train_both(net, tnet, data, lr=0.1, momentum=momentum,
                               nesterov=nesterov)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    for k, lin in zip(net.get_weights()[0::2], linears):
        np.testing.assert_allclose(k, lin.weight.detach().numpy().T, atol=1e-5)


def test_dropout_chapter_network_at_lr_half_matches_torch(data):
    """The dropout chapter's network and rate, which does not converge on the stand-in:
    PyTorch computes the same losses (Keras' Dropout is off without training=True, as
    in the book's train_ch3)."""
    net = tf.keras.models.Sequential([
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(256, activation=tf.nn.relu),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(256, activation=tf.nn.relu),
        tf.keras.layers.Dropout(0.5),
        tf.keras.layers.Dense(10)])
    net(data[0][:1])
    tnet, _ = _torch_copy(net, [784, 256, 256, 10])
    # called as train_ch3 calls it, without a training flag: no dropout
    ours, theirs = _train_both(net, tnet, data, lr=0.5, steps=2, training=False)
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_linear_regression_and_l2_regulariser_match_torch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6)).astype(np.float32)
    y = (X @ rng.normal(size=(6, 1)) + 0.5).astype(np.float32)
    wd = 0.3
    net = tf.keras.Sequential([tf.keras.layers.Dense(
        1, kernel_regularizer=tf.keras.regularizers.l2(wd))])
    net.build(input_shape=(1, 6))
    w, b = net.trainable_variables
    tw = torch.tensor(w.numpy().copy(), requires_grad=True)
    tb = torch.tensor(b.numpy().copy(), requires_grad=True)
    loss = tf.keras.losses.MeanSquaredError()
    trainer = tf.keras.optimizers.SGD(learning_rate=0.05)
    ttrainer = torch.optim.SGD([tw, tb], lr=0.05)
    for start in range(0, 40, 8):
        Xb, yb = X[start:start + 8], y[start:start + 8]
        with tf.GradientTape() as tape:
            l = loss(yb, net(Xb)) + net.losses[0]  # l2(wd)(kernel) = wd * sum(kernel**2)
        grads = tape.gradient(l, net.trainable_variables)
        trainer.apply_gradients(zip(grads, net.trainable_variables))
        tl = torch.mean((torch.tensor(Xb) @ tw + tb - torch.tensor(yb)) ** 2) + \
            wd * torch.sum(tw ** 2)
        ttrainer.zero_grad()
        tl.backward()
        ttrainer.step()
        np.testing.assert_allclose(float(l), tl.item(), rtol=1e-5)
    np.testing.assert_allclose(w.numpy(), tw.detach().numpy(), atol=1e-6)


def test_keras_losses_match_torch():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(6, 5)).astype(np.float32)
    labels = rng.integers(0, 5, 6).astype(np.int32)
    tl = torch.tensor(logits)
    expected = torch.nn.functional.cross_entropy(tl, torch.tensor(labels).long(),
                                                 reduction="none").numpy()
    got = tf.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6)
    # probabilities: clipped to [1e-7, 1 - 1e-7], logged, renormalised
    p = torch.softmax(tl, 1).numpy()
    p[0] = [1.0, 0, 0, 0, 0]
    got = tf.keras.losses.SparseCategoricalCrossentropy()(labels, p)
    logp = torch.log(torch.clamp(torch.tensor(p), 1e-7, 1 - 1e-7))
    ref = torch.nn.functional.cross_entropy(logp, torch.tensor(labels).long())
    np.testing.assert_allclose(float(got), ref.item(), rtol=1e-6)
    onehot = np.eye(5, dtype=np.float32)[labels]
    got = tf.keras.losses.CategoricalCrossentropy(from_logits=True)(onehot, logits)
    np.testing.assert_allclose(float(got), expected.mean(), rtol=1e-6)
    targets = rng.uniform(size=(6, 5)).astype(np.float32)
    got = tf.keras.losses.BinaryCrossentropy(from_logits=True)(targets, logits)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(tl, torch.tensor(targets))
    np.testing.assert_allclose(float(got), ref.item(), rtol=1e-6)


@pytest.mark.parametrize("size", [(64, 64), (20, 13), (7, 40)])
def test_image_resize_bilinear_matches_torch(size):
    rng = np.random.default_rng(2)
    images = rng.uniform(size=(2, 28, 28, 3)).astype(np.float32)
    got = tf.image.resize(images, size).numpy()
    ref = torch.nn.functional.interpolate(torch.tensor(images).permute(0, 3, 1, 2), size=size,
                                          mode="bilinear", align_corners=False)
    np.testing.assert_allclose(got, ref.permute(0, 2, 3, 1).numpy(), atol=1e-5)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_keras_adam_matches_its_update_rule_and_torch(amsgrad):
    rng = np.random.default_rng(3)
    w0 = rng.normal(size=(5, 3)).astype(np.float32)
    grads = rng.normal(size=(6, 5, 3)).astype(np.float32)
    lr, b1, b2, eps = 0.01, 0.9, 0.99, 1e-3  # a large epsilon makes its placement matter
    var = tf.Variable(w0)
    opt = tf.keras.optimizers.Adam(learning_rate=lr, beta_1=b1, beta_2=b2, epsilon=eps,
                                   amsgrad=amsgrad)
    # Keras' rule, written out
    w, m, v, vhat = w0.astype(np.float64), 0.0, 0.0, 0.0
    tw = torch.tensor(w0, requires_grad=True)
    topt = torch.optim.Adam([tw], lr=lr, betas=(b1, b2), amsgrad=amsgrad)
    for t, g in enumerate(grads, 1):
        opt.apply_gradients([(tf.constant(g), var)])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vhat = np.maximum(vhat, v) if amsgrad else v
        w = w - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m / (np.sqrt(vhat) + eps)
        # PyTorch's Adam with epsilon / sqrt(1 - beta2**t) at step t is the same update
        topt.param_groups[0]["eps"] = eps / np.sqrt(1 - b2 ** t)
        tw.grad = torch.tensor(g)
        topt.step()
        np.testing.assert_allclose(var.numpy(), w, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(var.numpy(), tw.detach().numpy(), rtol=1e-5, atol=1e-6)
