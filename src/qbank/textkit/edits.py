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
    kept = []
    for s, e, rep in edits:
        if s < last:
            continue  # overlaps the edit before it: keep the first
        kept.append((s, e, rep))
        parts.append(old[last:s])
        parts.append(rep)
        last = e
    parts.append(old[last:])
    edits = kept
    new = keep_style(old, "".join(parts))
    if new is old or type(new) is str:
        return new
    fold = getattr(old, "fold_pos", None)
    if fold:
        # One sweep over the folds and the edits, both in order (a fold moves by the edits
        # before it; one inside an edit is gone).
        moved = []
        shift = k = 0
        for p in sorted(fold):
            while k < len(edits) and edits[k][1] <= p:
                s, e, rep = edits[k]
                shift += len(rep) - (e - s)
                k += 1
            if k < len(edits) and edits[k][0] <= p < edits[k][1]:
                continue
            q = p + shift
            if 0 <= q < len(new) and new[q] == " ":
                moved.append(q)
        new.fold_pos = moved
    return new
