# The mxnet code cells of d2l.ai (classic edition) chapter_linear-networks/linear-regression-concise.md, in order,
# verbatim but for the import lines (mxnet -> arraygrad.compat.mxnet, d2l -> d2l_mxnet)
# and the IPython magics (`%matplotlib inline`, `!nvidia-smi`: dropped).
# ruff: noqa

# ---- cell 0
import d2l_mxnet as d2l
from arraygrad.compat.mxnet import autograd, gluon, np, npx
npx.set_np()

# ---- cell 1
true_w = d2l.tensor([2, -3.4])
true_b = 4.2
features, labels = d2l.synthetic_data(true_w, true_b, 1000)

# ---- cell 2
def load_array(data_arrays, batch_size, is_train=True):  #@save
    """Construct a Gluon data iterator."""
    dataset = gluon.data.ArrayDataset(*data_arrays)
    return gluon.data.DataLoader(dataset, batch_size, shuffle=is_train)

# ---- cell 3
batch_size = 10
data_iter = load_array((features, labels), batch_size)

# ---- cell 4
next(iter(data_iter))

# ---- cell 5
# `nn` is an abbreviation for neural networks
from arraygrad.compat.mxnet.gluon import nn
net = nn.Sequential()
net.add(nn.Dense(1))

# ---- cell 6
from arraygrad.compat.mxnet import init
net.initialize(init.Normal(sigma=0.01))

# ---- cell 7
loss = gluon.loss.L2Loss()

# ---- cell 8
from arraygrad.compat.mxnet import gluon
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.03})

# ---- cell 9
num_epochs = 3
for epoch in range(num_epochs):
    for X, y in data_iter:
        with autograd.record():
            l = loss(net(X), y)
        l.backward()
        trainer.step(batch_size)
    l = loss(net(features), labels)
    print(f'epoch {epoch + 1}, loss {l.mean().asnumpy():f}')

# ---- cell 10
w = net[0].weight.data()
print(f'error in estimating w: {true_w - d2l.reshape(w, true_w.shape)}')
b = net[0].bias.data()
print(f'error in estimating b: {true_b - b}')
