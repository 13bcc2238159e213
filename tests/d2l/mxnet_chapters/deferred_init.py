# The mxnet code cells of d2l.ai (classic edition) chapter_deep-learning-computation/deferred-init.md, in order,
# verbatim but for the import lines (mxnet -> arraygrad.compat.mxnet, d2l -> d2l_mxnet)
# and the IPython magics (`%matplotlib inline`, `!nvidia-smi`: dropped).
# ruff: noqa

# ---- cell 0
from arraygrad.compat.mxnet import np, npx
from arraygrad.compat.mxnet.gluon import nn
npx.set_np()

def get_net():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'))
    net.add(nn.Dense(10))
    return net

net = get_net()

# ---- cell 1
print(net.collect_params)
print(net.collect_params())

# ---- cell 2
net.initialize()
net.collect_params()

# ---- cell 3
X = np.random.uniform(size=(2, 20))
net(X)

net.collect_params()
