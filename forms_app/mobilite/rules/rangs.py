"""Rank operations on an ordered list of ids: ranks are always 1..n without gaps."""
from __future__ import annotations

from collections.abc import Sequence


def deplacer(ids: Sequence[int], item: int, step: int) -> list[int] | None:
    """The list with item moved by step (-1 up, +1 down), or None when it cannot move."""
    order = list(ids)
    if item not in order:
        return None
    index = order.index(item)
    target = index + step
    if not 0 <= target < len(order):
        return None
    order[index], order[target] = order[target], order[index]
    return order


def retirer(ids: Sequence[int], item: int) -> list[int]:
    """The list without item."""
    return [i for i in ids if i != item]


def rangs(ids: Sequence[int]) -> dict[int, int]:
    """id -> rank 1..n in list order."""
    return {i: position for position, i in enumerate(ids, start=1)}
