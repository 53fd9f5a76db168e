"""Changing a string of the round-trip YAML tree without changing how it is written."""

from __future__ import annotations

from typing import Any

from ..rules.base import keep_style


def apply_edits(old: Any, edits: list[tuple[int, int, str]]) -> Any:
    """``old`` with each (start, end, replacement) applied, keeping its ruamel.yaml scalar type
    (literal, folded, quoted) and, for folded text, the places where its lines were folded.
    (A fix never sees comments or anchors: the rewrite takes comments off before fixes run and
    puts them back by owner, and refuses files with anchors.)"""
    if not edits:
        return old
    edits = sorted(edits)
    parts: list[str] = []
    last = 0
    for s, e, rep in edits:
        parts.append(old[last:s])
        parts.append(rep)
        last = e
    parts.append(old[last:])
    new = keep_style(old, "".join(parts))
    if new is old or type(new) is str:
        return new
    fold = getattr(old, "fold_pos", None)
    if fold:
        moved = []
        for p in fold:
            shift = 0
            inside = False
            for s, e, rep in edits:
                if e <= p:
                    shift += len(rep) - (e - s)
                elif s <= p < e:
                    inside = True
            q = p + shift
            if not inside and 0 <= q < len(new) and new[q] == " ":
                moved.append(q)
        new.fold_pos = moved
    return new
