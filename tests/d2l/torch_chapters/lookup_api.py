"""d2l.ai (classic), chapter_preliminaries/lookup-api.md: the pytorch code cells, verbatim but for import lines
(and the notebook magic ``%matplotlib inline``). Run by tests/d2l/test_torch_chapters.py."""
# ruff: noqa

# %%
import arraygrad.compat.torch as torch
print(dir(torch.distributions))

# %%
help(torch.ones)

# %%
torch.ones(4)
