"""``torch.distributions`` as far as d2l.ai uses it: ``multinomial.Multinomial`` (the
probability chapter), with ``Categorical`` and ``Normal``. Draws come from the front
door's generator (``torch.manual_seed``); they are not PyTorch's numbers, only as random.
"""

from __future__ import annotations

from . import categorical, multinomial, normal
from .categorical import Categorical
from .distribution import Distribution
from .multinomial import Multinomial
from .normal import Normal

__all__ = ["Distribution", "Categorical", "Multinomial", "Normal", "categorical",
           "multinomial", "normal"]
