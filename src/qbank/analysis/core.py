"""Classical item statistics from a response matrix (candidates x items).

``responses[c, j]`` is the index of the option candidate c chose on item j, in the item's
written order, or ``MISSING``. An omitted item scores 0 in the total (the usual convention),
and each item's own figures (n, p, point-biserials, choice rates) are over the candidates who
answered it. Everything is a few matrix-vector products, so 10,000 x 122 takes well under a
second:

- p: the share of those who answered that chose the key;
- rpb (corrected point-biserial): Pearson r of the 0/1 item score with the total score
  *without that item* (the rest score), so an item does not correlate with itself;
- upper_lower: p in the top 27% by total score minus p in the bottom 27% (Kelley 1939);
  ties at the cut are broken by candidate order, so the result is deterministic;
- per option: its choice rate and the r of choosing it with the rest score (for the key
  this equals the item's rpb, so key and distractors are compared on one criterion);
- KR-20 of the form: k/(k-1) * (1 - sum p_j q_j / var(total)), omitted items wrong.

A figure that is undefined (no variance: everyone right, or nobody answered) is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

MISSING = -1
UPPER_LOWER_SHARE = 0.27


@dataclass(frozen=True)
class OptionStats:
    rate: float | None   # share of those who answered the item that chose this option
    rpb: float | None    # r of choosing it with the rest score


@dataclass(frozen=True)
class ItemStats:
    n: int
    p: float | None
    rpb: float | None
    upper_lower: float | None
    options: tuple[OptionStats, ...]


@dataclass(frozen=True)
class Analysis:
    candidates: int
    items: tuple[ItemStats, ...]
    kr20: float | None


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _pearson(n: np.ndarray, sx: np.ndarray, sxx: np.ndarray, sy: np.ndarray, syy: np.ndarray,
             sxy: np.ndarray) -> np.ndarray:
    """Pearson r from sums, elementwise; nan where a variance is zero."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (n * sxy - sx * sy) / np.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy))


def analyse(responses: np.ndarray, keys: Sequence[int], option_counts: Sequence[int]) -> Analysis:
    """Statistics of every item (column) of ``responses`` with keys ``keys`` and
    ``option_counts[j]`` options. Responses outside 0..option_counts[j]-1 count as missing."""
    r = np.asarray(responses)
    if r.ndim != 2 or r.shape[1] != len(keys) or len(keys) != len(option_counts):
        raise ValueError("responses must be candidates x items, with one key and option count per item")
    keys_a = np.asarray(keys, dtype=np.int64)
    counts = np.asarray(option_counts, dtype=np.int64)
    answered = (r >= 0) & (r < counts)
    correct = answered & (r == keys_a)
    x = correct.astype(np.float64)
    m = answered.astype(np.float64)
    total = x.sum(axis=1)
    n_cand, n_items = r.shape

    # Rest score y_j = total - x_j over the candidates who answered j, from sums (x*x = x):
    n = m.sum(axis=0)
    sx = x.sum(axis=0)
    mt, mt2, xt = m.T @ total, m.T @ (total * total), x.T @ total
    sy = mt - sx
    syy = mt2 - 2 * xt + sx
    rpb = _pearson(n, sx, sx, sy, syy, xt - sx)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = sx / n

    upper_lower = np.full(n_items, np.nan)
    g = int(round(UPPER_LOWER_SHARE * n_cand))
    if g >= 1 and 2 * g <= n_cand:
        order = np.argsort(-total, kind="stable")
        upper_lower = x[order[:g]].mean(axis=0) - x[order[-g:]].mean(axis=0)

    option_stats: list[list[OptionStats]] = [[] for _ in range(n_items)]
    for o in range(int(counts.max(initial=0))):
        chose = (r == o) & answered
        c = chose.astype(np.float64)
        sc = c.sum(axis=0)
        # sum of chose * rest: chose*total minus chose*x_j, which is sc where o is the key
        scy = c.T @ total - np.where(keys_a == o, sc, 0.0)
        r_o = _pearson(n, sc, sc, sy, syy, scy)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = sc / n
        for j in np.nonzero(counts > o)[0]:
            option_stats[j].append(OptionStats(_finite(rate[j]), _finite(r_o[j])))

    pj = x.mean(axis=0) if n_cand else np.zeros(n_items)
    var = total.var() if n_cand else 0.0
    kr20 = None
    if n_items >= 2 and var > 0:
        kr20 = float(n_items / (n_items - 1) * (1 - float((pj * (1 - pj)).sum()) / var))
    items = tuple(ItemStats(int(n[j]), _finite(p[j]), _finite(rpb[j]), _finite(upper_lower[j]),
                            tuple(option_stats[j])) for j in range(n_items))
    return Analysis(n_cand, items, kr20)
