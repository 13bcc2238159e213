# The mxnet code cells of d2l.ai (classic edition) chapter_multilayer-perceptrons/mlp-scratch.md, in order,
# verbatim but for the import lines (mxnet -> arraygrad.compat.mxnet, d2l -> d2l_mxnet)
# and the IPython magics (`%matplotlib inline`, `!nvidia-smi`: dropped).
# ruff: noqa

# ---- cell 0
import d2l_mxnet as d2l
from arraygrad.compat.mxnet import gluon, np, npx
npx.set_np()

# ---- cell 1
batch_size = 256
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)

# ---- cell 2
num_inputs, num_outputs, num_hiddens = 784, 10, 256

W1 = np.random.normal(scale=0.01, size=(num_inputs, num_hiddens))
b1 = np.zeros(num_hiddens)
W2 = np.random.normal(scale=0.01, size=(num_hiddens, num_outputs))
b2 = np.zeros(num_outputs)
params = [W1, b1, W2, b2]

for param in params:
    param.attach_grad()

# ---- cell 3
def relu(X):
    return np.maximum(X, 0)

# ---- cell 4
def net(X):
    X = d2l.reshape(X, (-1, num_inputs))
    H = relu(np.dot(X, W1) + b1)
    return np.dot(H, W2) + b2

# ---- cell 5
loss = gluon.loss.SoftmaxCrossEntropyLoss()

# ---- cell 6
num_epochs, lr = 10, 0.1
d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs,
              lambda batch_size: d2l.sgd(params, lr, batch_size))

# ---- cell 7
d2l.predict_ch3(net, test_iter)
