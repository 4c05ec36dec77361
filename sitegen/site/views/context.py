"""What pages read of the whole catalog to name and colour things, and what a run's own page reads.

A run's page and files are drawn from the run itself, the site's settings and
its `RunContext`, nothing else: the builder that draws them (RunPageBuilder) is
made from the context alone, and a name or colour the context does not hold
fails loudly (`OnlyThese`). So the key of a run's files (the run's fingerprint,
the site's settings and its context) changes exactly when something they show
changes, and an incremental build redraws them then and only then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from ...catalog.model import Catalog, RunSummary
from ..colours import Style, Styles


class OnlyThese(dict):
    """A mapping that fails for a key it does not hold, through `get` too: a page drawn from a
    context that lacks something it shows must fail, not show an id and never be redrawn."""

    def get(self, key, default=None):  # noqa: ARG002 - the default is never what the page needs
        return self[key]


class NavTarget(NamedTuple):
    """A hardware target in the site's navigation (one with standings)."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Names:
    """How every page names and colours hardware and runtimes, and the navigation it shows."""

    hardware: Mapping[str, str]  # hardware id -> display name
    runtimes: Mapping[str, str]  # runtime id -> display name
    styles: Styles
    nav: tuple[NavTarget, ...]  # the targets with standings, in site.toml's order, then by id

    @classmethod
    def of(cls, catalog: Catalog) -> Names:
        return cls(
            {h.id: h.name for h in catalog.hardware},
            {r.id: r.name for r in catalog.runtimes},
            Styles.of(catalog.runtimes, catalog.hardware),
            tuple(NavTarget(h.id, h.name) for h in catalog.hardware if h.id in catalog.standings),
        )

    def run_context(self, run: RunSummary, previous: str | None) -> RunContext:
        return RunContext(
            self.nav,
            (run.hardware, self.hardware.get(run.hardware, run.hardware)),
            tuple((r, self.runtimes.get(r, r), self.styles.runtime(r)) for r in run.runtimes),
            previous,
        )


@dataclass(frozen=True, slots=True)
class RunContext:
    """Everything a run's own page and files read besides the run and the site's settings."""

    nav: tuple[NavTarget, ...]
    hardware: tuple[str, str]  # its target: id, display name
    runtimes: tuple[tuple[str, str, Style], ...]  # each of its runtimes: id, display name, style
    previous: str | None  # the id of the previous run on its target

    def names(self) -> Names:
        """The names a run page may read, and no other."""
        return Names(
            OnlyThese([self.hardware]),
            OnlyThese((runtime, name) for runtime, name, _ in self.runtimes),
            Styles(OnlyThese((runtime, style) for runtime, _, style in self.runtimes), OnlyThese()),
            self.nav,
        )

    @property
    def key(self) -> str:
        """What the context holds, as text (part of the run's output key)."""
        return repr((self.nav, self.hardware, self.runtimes, self.previous))
