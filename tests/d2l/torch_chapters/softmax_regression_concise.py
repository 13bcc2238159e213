"""d2l.ai (classic), chapter_linear-networks/softmax-regression-concise.md: the pytorch code cells, verbatim but for import lines
(and the notebook magic ``%matplotlib inline``). Run by tests/d2l/test_torch_chapters.py."""
# ruff: noqa

# %%
import d2l_torch as d2l
import arraygrad.compat.torch as torch
from arraygrad.compat.torch import nn

# %%
batch_size = 256
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)

# %%
# PyTorch does not implicitly reshape the inputs. Thus we define the flatten
# layer to reshape the inputs before the linear layer in our network
net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))

def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)

net.apply(init_weights);

# %%
loss = nn.CrossEntropyLoss(reduction='none')

# %%
trainer = torch.optim.SGD(net.parameters(), lr=0.1)

# %%
num_epochs = 10
d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, trainer)
