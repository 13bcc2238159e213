# The mxnet code cells of d2l.ai (classic edition) chapter_deep-learning-computation/read-write.md, in order,
# verbatim but for the import lines (mxnet -> arraygrad.compat.mxnet, d2l -> d2l_mxnet)
# and the IPython magics (`%matplotlib inline`, `!nvidia-smi`: dropped).
# ruff: noqa

# ---- cell 0
from arraygrad.compat.mxnet import np, npx
from arraygrad.compat.mxnet.gluon import nn
npx.set_np()

x = np.arange(4)
npx.save('x-file', x)

# ---- cell 1
x2 = npx.load('x-file')
x2

# ---- cell 2
y = np.zeros(4)
npx.save('x-files', [x, y])
x2, y2 = npx.load('x-files')
(x2, y2)

# ---- cell 3
mydict = {'x': x, 'y': y}
npx.save('mydict', mydict)
mydict2 = npx.load('mydict')
mydict2

# ---- cell 4
class MLP(nn.Block):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')
        self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))

net = MLP()
net.initialize()
X = np.random.uniform(size=(2, 20))
Y = net(X)

# ---- cell 5
net.save_parameters('mlp.params')

# ---- cell 6
clone = MLP()
clone.load_parameters('mlp.params')

# ---- cell 7
Y_clone = clone(X)
Y_clone == Y
