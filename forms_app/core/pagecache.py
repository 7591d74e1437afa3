"""Rendered pages kept in the worker's memory, each with the fingerprint of what it shows.

A slot (one browser session's view of one record) holds the last page rendered for it and the
fingerprint it was rendered for. A read compares the fingerprint it computes now from the database
with the stored one: equal, the stored page is exactly what a render would give; different, the
caller renders again. Nothing is ever invalidated by hand, so several workers (or servers) each with
their own cache stay right: the database decides. The caller's duty is a fingerprint that holds
everything the page shows.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class PageCache:
    """At most max_entries slots, least recently used dropped first; max_entries=0 keeps nothing."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._pages: OrderedDict[Hashable, tuple[Hashable, bytes]] = OrderedDict()
        self._lock = threading.Lock()  # gthread workers share one cache between threads
        self.hits = 0
        self.misses = 0

    def get(self, slot: Hashable, fingerprint: Hashable) -> bytes | None:
        """The page stored for this slot if it was rendered for this fingerprint."""
        with self._lock:
            entry = self._pages.get(slot)
            if entry is None or entry[0] != fingerprint:
                self.misses += 1
                return None
            self._pages.move_to_end(slot)
            self.hits += 1
            return entry[1]

    def put(self, slot: Hashable, fingerprint: Hashable, page: bytes) -> None:
        """Keep page for slot (replacing an older rendering), then drop the least recently used."""
        if self.max_entries <= 0:
            return
        with self._lock:
            self._pages[slot] = (fingerprint, page)
            self._pages.move_to_end(slot)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)
