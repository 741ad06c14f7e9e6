"""Deduplication, length sorting and token-budget packing of segments for generation."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import TypeVar

__all__ = ["dedupe", "in_streams", "pack_batches"]

T = TypeVar("T", bound=Hashable)
Item = TypeVar("Item")
Result = TypeVar("Result")


def dedupe(items: Sequence[T]) -> tuple[list[T], list[int]]:
    """(unique items in first-seen order, index into the unique list for every item)."""
    position: dict[T, int] = {}
    index: list[int] = []
    for item in items:
        index.append(position.setdefault(item, len(position)))
    return list(position), index


def pack_batches(
    lengths: Sequence[int], *, budget: int, beams: int = 1, max_items: int | None = None
) -> list[list[int]]:
    """Indices of ``lengths`` grouped into batches, longest first.

    A batch's cost is its padded size: longest length x members x beams, and it stays within
    ``budget`` and holds at most ``max_items`` members. Sorting first keeps padding low and
    lets a batch finish together (a batch decodes until its longest member is done). An item
    over the budget on its own gets its own batch: nothing is ever dropped.
    """
    if budget <= 0 or beams <= 0:
        raise ValueError("budget and beams must be positive")
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for i in order:
        length = max(1, lengths[i])
        full = max_items is not None and len(current) >= max_items
        if current and (full or max(longest, length) * (len(current) + 1) * beams > budget):
            batches.append(current)
            current, longest = [], 0
        current.append(i)
        longest = max(longest, length)
    if current:
        batches.append(current)
    return batches


def in_streams(
    work: Callable[[Item], Result], items: Sequence[Item], streams: int
) -> Iterator[Result]:
    """``work(item)`` for every item, results in order, ``streams`` items at a time on threads
    (torch and CTranslate2 release the GIL while they compute)."""
    if streams <= 1 or len(items) <= 1:
        yield from map(work, items)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=streams, thread_name_prefix="decode") as pool:
        yield from pool.map(work, items)
