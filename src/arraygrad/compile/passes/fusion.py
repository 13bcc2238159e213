"""Elementwise fusion (filled in below)."""

from __future__ import annotations

from ..program import Program


def fuse(prog: Program, backend: str) -> Program:
    return prog


def available_backend() -> str | None:
    return None
