# The mxnet code cells of d2l.ai (classic edition) chapter_linear-networks/softmax-regression-concise.md, in order,
# verbatim but for the import lines (mxnet -> arraygrad.compat.mxnet, d2l -> d2l_mxnet)
# and the IPython magics (`%matplotlib inline`, `!nvidia-smi`: dropped).
# ruff: noqa

# ---- cell 0
import d2l_mxnet as d2l
from arraygrad.compat.mxnet import gluon, init, npx
from arraygrad.compat.mxnet.gluon import nn
npx.set_np()

# ---- cell 1
batch_size = 256
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)

# ---- cell 2
net = nn.Sequential()
net.add(nn.Dense(10))
net.initialize(init.Normal(sigma=0.01))

# ---- cell 3
loss = gluon.loss.SoftmaxCrossEntropyLoss()

# ---- cell 4
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})

# ---- cell 5
num_epochs = 10
d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)
