"""The traced program: a flat list of instructions over numbered slots.

A slot holds one backend array (or a Python value) while the program runs. Instructions
refer to slots with ``Ref``; anything else in their arguments is a constant. The program
knows nothing of Tensors or Nodes: replay is plain array calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Ref", "Instr", "Program", "refs_in", "map_refs", "EFFECTS", "walk_spec"]


class Ref:
    """A slot reference inside an instruction's arguments."""

    __slots__ = ("slot",)

    def __init__(self, slot: int) -> None:
        self.slot = slot

    def __repr__(self) -> str:
        return f"s{self.slot}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ref) and other.slot == self.slot

    def __hash__(self) -> int:
        return hash(("Ref", self.slot))


# Instruction kinds (``Instr.op``):
#   input   outs[0] = the flattened argument ``meta['index']`` (its array)
#   load    outs[0] = a captured tensor's array (``meta['target']``, read at that point)
#   const   outs[0] = a constant array (``fn`` is the array, or a snapshot copied per call)
#   call    outs = fn(*args, **kwargs)            pure unless meta['impure'] (random draws)
#   mutate  fn(*args, **kwargs) writes into the array of slot meta['target'] (no outs)
#   guard   a Python value read from slot args[0]: meta['how'], meta['value']
#   store   a captured/input tensor's state is set: meta['what'] in data/grad/nograd/version
#   opaque  a Python call replayed as it is (optimizer.step): fn(*args)
EFFECTS = frozenset({"mutate", "store", "opaque"})


@dataclass
class Instr:
    op: str
    fn: Any = None
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    outs: list = field(default_factory=list)
    name: str = ""
    meta: dict = field(default_factory=dict)

    def uses(self) -> list[int]:
        """The slots this instruction reads (cached until its arguments are replaced)."""
        key = (id(self.args), id(self.kwargs))
        cached = self.__dict__.get("_uses")
        if cached is not None and cached[0] == key:
            return cached[1]
        out = refs_in(self.args) + refs_in(self.kwargs) if self.kwargs else refs_in(self.args)
        self.__dict__["_uses"] = (key, out)
        return out

    @property
    def pure(self) -> bool:
        return self.op == "call" and not self.meta.get("impure")


def refs_in(obj: Any) -> list[int]:
    """Every slot referenced in a (nested) argument structure."""
    if isinstance(obj, Ref):
        return [obj.slot]
    if isinstance(obj, (list, tuple)):
        out: list[int] = []
        for o in obj:
            out.extend(refs_in(o))
        return out
    if isinstance(obj, dict):
        out = []
        for o in obj.values():
            out.extend(refs_in(o))
        return out
    return []


def map_refs(obj: Any, fn: Any) -> Any:
    """``obj`` with every ``Ref`` replaced by ``fn(ref)``."""
    if isinstance(obj, Ref):
        return fn(obj)
    if isinstance(obj, tuple):
        return tuple(map_refs(o, fn) for o in obj)
    if isinstance(obj, list):
        return [map_refs(o, fn) for o in obj]
    if isinstance(obj, dict):
        return {k: map_refs(v, fn) for k, v in obj.items()}
    return obj


@dataclass
class Program:
    """Instructions plus what the emitter needs to know about slots."""

    instrs: list[Instr]
    n_inputs: int
    outputs: Any  # the output pytree with Ref leaves (Tensors: meta in out_kinds)
    out_spec: Any  # how to rebuild the result: see trace.Tracer.finish
    info: dict = field(default_factory=dict)  # slot -> (shape, dtype) at trace time
    plan: dict = field(default_factory=dict)  # filled by passes (buffers, kernels)
    notes: list = field(default_factory=list)  # what the passes did, for explain()

    def out_slots(self) -> list[int]:
        return refs_in(self.outputs)


def walk_spec(spec: Any):
    """Every part of an output description (trace.Tracer._outputs), containers first."""
    if not isinstance(spec, tuple) or not spec:
        return
    yield spec
    kind = spec[0]
    if kind in ("list", "tuple"):
        for s in spec[1]:
            yield from walk_spec(s)
    elif kind == "namedtuple":
        for s in spec[2]:
            yield from walk_spec(s)
    elif kind == "dict":
        for _, s in spec[1]:
            yield from walk_spec(s)
