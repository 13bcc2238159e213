"""``mxnet.gluon.data``: data sets, samplers, the DataLoader, and ``vision``."""

from __future__ import annotations

from . import vision
from .dataloader import DataLoader, default_batchify_fn
from .dataset import ArrayDataset, Dataset, SimpleDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["Dataset", "SimpleDataset", "ArrayDataset", "DataLoader", "default_batchify_fn",
           "Sampler", "SequentialSampler", "RandomSampler", "BatchSampler", "vision"]
