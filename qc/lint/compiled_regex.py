"""Compiled regular expressions that unpickle without compiling again.

A `re.Pattern` pickles as its source and flags, and unpickling compiles it again: with the
rule kinds' large alternations (outlet names, frames, pinyin syllables) that was tens of
milliseconds of every start-up that read the compiled-rules cache. `dumps` pickles a
pattern with the program `re` compiled it to, and unpickling hands that program straight
to `_sre.compile`. The cache is keyed by the Python version (qc/lint/packs.py), so the
program is read by the engine that wrote it; a pattern whose program cannot be rebuilt
exactly (checked when it is stored: equal patterns have equal programs) pickles the usual
way.
"""

from __future__ import annotations

import copyreg
import io
import pickle
import re
from typing import Any

import _sre


def rebuild_pattern(pattern: str | bytes, flags: int, code: list[int], groups: int, groupindex: dict[str, int], indexgroup: tuple[str | None, ...]) -> re.Pattern[Any]:
    """The pattern `re.compile` made, from its program (what _compiler.compile passes on)."""
    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)


def reduce_pattern(compiled: re.Pattern[Any]) -> tuple[Any, ...]:
    """Pickle a pattern as its program; the usual way when that does not rebuild it exactly."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    try:
        parsed = _parser.parse(compiled.pattern, compiled.flags)
        code = list(map(int, _compiler._code(parsed, compiled.flags)))  # (opcodes are int subclasses that refuse pickling)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, number in groupindex.items():
            indexgroup[number] = name
        args = (compiled.pattern, compiled.flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
        if rebuild_pattern(*args) == compiled:  # (Pattern equality compares the programs)
            return rebuild_pattern, args
    except Exception:  # noqa: BLE001 - any surprise: the usual pickling below
        pass
    return re.compile, (compiled.pattern, compiled.flags)


def dumps(obj: Any) -> bytes:
    """`pickle.dumps(obj)` with every compiled pattern stored as its program."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table.copy()
    pickler.dispatch_table[re.Pattern] = reduce_pattern
    pickler.dump(obj)
    return out.getvalue()
