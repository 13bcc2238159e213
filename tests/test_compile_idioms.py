"""The three idioms' staging doors onto ag.compile: Gluon's hybridize(), TensorFlow's
@tf.function, PyTorch's torch.compile. Each gives the eager numbers and really stages
(the compiled function traces once and then replays)."""

from __future__ import annotations

import numpy as np

import arraygrad as ag
from arraygrad.compile.api import Compiled


def _data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((16, 5)).astype(np.float32), rng.integers(0, 3, 16)


def test_gluon_hybridize_trains_as_eager():
    from arraygrad.compat.mxnet import autograd, gluon, init
    from arraygrad.compat.mxnet import np as mnp

    def run(hybrid):
        from arraygrad.compat.mxnet import random as mxrandom

        mxrandom.seed(0)
        net = gluon.nn.HybridSequential()
        net.add(gluon.nn.Dense(8, activation="relu"), gluon.nn.Dense(3))
        net.initialize(init.Normal(sigma=0.1))
        if hybrid:
            net.hybridize()
        loss = gluon.loss.SoftmaxCrossEntropyLoss()
        trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
        X, y = _data()
        X, y = mnp.array(X), mnp.array(y)
        losses = []
        for _ in range(4):
            with autograd.record():
                l = loss(net(X), y)
            l.backward()
            trainer.step(16)
            losses.append(float(l.mean()))
        return losses, net

    eager, _ = run(False)
    staged, net = run(True)
    np.testing.assert_allclose(staged, eager, rtol=1e-6)
    assert isinstance(net._compiled, Compiled) and net._compiled.traces >= 1


def test_tf_function_stages_a_tape_step():
    import arraygrad.compat.tensorflow as tf

    X, y = _data()
    w0 = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)

    def run(decorate):
        w = tf.Variable(w0.copy())
        opt = tf.keras.optimizers.SGD(learning_rate=0.1)
        loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

        def step(X, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, tf.matmul(X, w))
            opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
            return loss

        step = tf.function(step) if decorate else step
        losses = [float(step(tf.constant(X), tf.constant(y))) for _ in range(4)]
        return losses, w.numpy(), step

    eager, w_eager, _ = run(False)
    staged, w_staged, step = run(True)
    np.testing.assert_allclose(staged, eager, rtol=1e-6)
    np.testing.assert_allclose(w_staged, w_eager, rtol=1e-6)
    assert isinstance(step, Compiled) and step.traces == 1


def test_torch_compile_a_model_and_a_step():
    import arraygrad.compat.torch as torch

    X, y = _data()

    def run(compiled):
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
        model = torch.compile(net) if compiled else net
        opt = torch.optim.SGD(model.parameters(), lr=0.1)  # a compiled model keeps them
        loss_fn = torch.nn.CrossEntropyLoss()
        losses = []
        for _ in range(4):
            loss = loss_fn(model(torch.tensor(X)), torch.tensor(y))
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses, model

    eager, _ = run(False)
    staged, model = run(True)
    np.testing.assert_allclose(staged, eager, rtol=1e-6)
    assert isinstance(model, Compiled) and model.traces >= 1
    assert torch.compile(disable=True)(ag.nn.Linear(2, 2)).__class__ is ag.nn.Linear
