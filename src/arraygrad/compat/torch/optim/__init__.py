"""``torch.optim``: arraygrad.optim's optimizers (PyTorch's equations and parameter groups,
e.g. ``SGD([{'params': w, 'weight_decay': wd}, {'params': b}], lr=lr)``)."""

from __future__ import annotations

from ....optim import SGD, Adam, AdamW, Optimizer

__all__ = ["Optimizer", "SGD", "Adam", "AdamW"]
