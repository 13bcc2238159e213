"""``mxnet.image`` is not provided (image decoding and augmentation); importing it works,
using any name raises an AttributeError that says so."""

from __future__ import annotations

import sys

from ._absent import AbsentModule

sys.modules[__name__].__class__ = AbsentModule
