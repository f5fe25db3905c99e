"""The garbage collector's settings for a serving process.

A request for a few thousand fields allocates hundreds of thousands of short-lived
objects (results, futures, resolver info); with CPython's defaults the collector then
runs full passes over every object the process holds, schema and modules included. That
was a third of the Python time of the benchmark's nested query: executing it over data
already read took 165-206 ms before ``settle``, 112-127 ms after.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000
"""Allocations between collections of the youngest generation (CPython's default: 700)."""


def settle() -> None:
    """Exempts what start-up built from collection, and collects young objects less often.

    Call once the app is built: what exists then (schema, modules, the driver) lives as
    long as the process, so scanning it again on every full collection is wasted work.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
