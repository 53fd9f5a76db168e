"""Text as a finding's message shows it."""

from __future__ import annotations

from typing import Iterable


def quote(text: str, limit: int = 40) -> str:
    """``text`` shortened for a message, in double quotes."""
    t = " ".join(text.split())
    return f'"{t if len(t) <= limit else t[: limit - 1].rstrip() + "…"}"'


def ordinal_list(indexes: Iterable[int]) -> str:
    """1-based option numbers as "1, 3 and 4"."""
    nums = [str(i + 1) for i in indexes]
    return nums[0] if len(nums) == 1 else ", ".join(nums[:-1]) + " and " + nums[-1]
