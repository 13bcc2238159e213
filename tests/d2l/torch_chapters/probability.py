"""d2l.ai (classic), chapter_preliminaries/probability.md: the pytorch code cells, verbatim but for import lines
(and the notebook magic ``%matplotlib inline``). Run by tests/d2l/test_torch_chapters.py."""
# ruff: noqa

# %%
import d2l_torch as d2l
import arraygrad.compat.torch as torch
from arraygrad.compat.torch.distributions import multinomial

# %%
fair_probs = torch.ones([6]) / 6
multinomial.Multinomial(1, fair_probs).sample()

# %%
multinomial.Multinomial(10, fair_probs).sample()

# %%
# Store the results as 32-bit floats for division
counts = multinomial.Multinomial(1000, fair_probs).sample()
counts / 1000  # Relative frequency as the estimate

# %%
counts = multinomial.Multinomial(10, fair_probs).sample((500,))
cum_counts = counts.cumsum(dim=0)
estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)

d2l.set_figsize((6, 4.5))
for i in range(6):
    d2l.plt.plot(estimates[:, i].numpy(),
                 label=("P(die=" + str(i + 1) + ")"))
d2l.plt.axhline(y=0.167, color='black', linestyle='dashed')
d2l.plt.gca().set_xlabel('Groups of experiments')
d2l.plt.gca().set_ylabel('Estimated probability')
d2l.plt.legend();
