# The mxnet code cells of d2l.ai (classic edition) chapter_preliminaries/lookup-api.md, in order,
# verbatim but for the import lines (mxnet -> arraygrad.compat.mxnet, d2l -> d2l_mxnet)
# and the IPython magics (`%matplotlib inline`, `!nvidia-smi`: dropped).
# ruff: noqa

# ---- cell 0
from arraygrad.compat.mxnet import np
print(dir(np.random))

# ---- cell 1
help(np.ones)

# ---- cell 2
np.ones(4)
