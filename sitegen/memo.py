"""The process's memo caches, owned in one place: each is registered here and `clear` empties all.

Memos keep values that are the same whatever build asks (a parsed date, an escaped name,
a compiled template): a long-lived process (`serve --watch`, a test session) clears them
between builds when it wants their memory back, and nothing changes but speed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol, TypeVar


class Clearable(Protocol):
    def clear(self) -> None: ...


_registry: list[Callable[[], None]] = []
T = TypeVar("T", bound=Clearable)
F = TypeVar("F", bound=Callable[..., Any])


def memoised(maxsize: int | None) -> Callable[[F], F]:
    """`functools.lru_cache`, registered here."""

    def decorate(function: F) -> F:
        cached = lru_cache(maxsize=maxsize)(function)
        _registry.append(cached.cache_clear)
        return cached  # type: ignore[return-value]

    return decorate


def registered(cache: T) -> T:
    """A dictionary (or anything with `clear`) used as a memo, registered here."""
    _registry.append(cache.clear)
    return cache


def clear() -> None:
    """Empty every memo of this process."""
    for clear_one in _registry:
        clear_one()
