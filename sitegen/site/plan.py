"""What a build will do, decided before it does it, as values.

`plan_build` decides, from the last build's state and this build's fingerprints:

- **up to date**: the site's key is the one the trusted previous site was built
  from; nothing is read or written;
- **update in place**: read the runs whose fingerprint changed, reuse the other
  runs' records, and keep the previous site's files of every run and hardware
  page whose key is unchanged;
- **build from scratch**: read every run and draw every page into a new site,
  swapped in whole (no trusted previous site or cache, `--force`, or most runs
  changed, where reading them all in parallel beats reusing the rest).

Which pages to draw depends on the catalog (a run's page names its neighbours), so
`pages_to_draw` decides those once the catalog is assembled, by comparing each
page's key with the one it was last drawn from.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ..catalog.discover import RunDir
from .cache import BuildState, RecordStore
from .keys import run_output_key

if TYPE_CHECKING:
    from .views import RunContext

# A worker process is forked only for at least this many runs to read: forking, and sending the
# records back, cost about as much as reading a few dozen runs.
MIN_RUNS_PER_WORKER = 25


class Strategy(StrEnum):
    UP_TO_DATE = "up to date"
    IN_PLACE = "update in place"
    FROM_SCRATCH = "build from scratch"


@dataclass(frozen=True, slots=True)
class Plan:
    strategy: Strategy
    read: tuple[RunDir, ...]  # the runs to read
    reused: tuple[str, ...]  # the runs whose cached record stands (update in place)
    fingerprints: Mapping[str, str]  # taken before reading; empty: taken as the runs are read
    shards: int  # how many workers read and draw (1: this process alone)
    why: str  # the reason, in words, for the build's progress

    @property
    def in_place(self) -> bool:
        return self.strategy is Strategy.IN_PLACE


def plan_build(
    run_dirs: Sequence[RunDir],
    state: BuildState | None,
    trusted: bool,
    fingerprints: Mapping[str, str] | None,
    site_key: str | None,
    load_store: Callable[[], RecordStore | None],
    jobs: int,
) -> tuple[Plan, RecordStore | None]:
    """The plan, and the last build's records where it reuses them. `trusted`: the previous
    site is the one the cache vouches for. `fingerprints` and `site_key`: taken up front only
    when there is a cache to compare them with (None otherwise). `load_store` reads the records,
    called only when they can be used."""
    if fingerprints is None or state is None or not trusted or not state.site:
        why = (
            "no previous build to start from" if state is None else "nothing of the previous build is reused"
        )
        return _from_scratch(run_dirs, jobs, why), None
    if site_key == state.site:
        return Plan(Strategy.UP_TO_DATE, (), (), fingerprints, 0, "nothing changed"), None
    store = load_store()
    if store is None:
        return _from_scratch(run_dirs, jobs, "the previous build's records are unusable"), None
    changed = [
        rd for rd in run_dirs if rd.id not in store or state.fingerprints.get(rd.id) != fingerprints[rd.id]
    ]
    if jobs > 1 and len(changed) * 2 > len(run_dirs):
        return _from_scratch(run_dirs, jobs, "most runs changed: building from scratch, in parallel"), None
    read = {rd.id for rd in changed}
    reused = tuple(rd.id for rd in run_dirs if rd.id not in read)
    plan = Plan(
        Strategy.IN_PLACE,
        tuple(changed),
        reused,
        fingerprints,
        _shards(len(changed), jobs),
        f"{len(changed)} of {len(run_dirs)} runs changed",
    )
    return plan, store


def _from_scratch(run_dirs: Sequence[RunDir], jobs: int, why: str) -> Plan:
    return Plan(Strategy.FROM_SCRATCH, tuple(run_dirs), (), {}, _shards(len(run_dirs), jobs), why)


def _shards(runs: int, jobs: int) -> int:
    return max(1, min(jobs, math.ceil(runs / MIN_RUNS_PER_WORKER)))


@dataclass(frozen=True, slots=True)
class Drawing:
    """The pages a build draws, decided once the catalog is assembled."""

    runs: tuple[str, ...]  # runs whose own page and files are drawn, in catalog order
    kept: tuple[str, ...]  # runs whose files stay as the previous site has them
    kept_pages: frozenset[str]  # hardware page URLs that stay as they are
    outputs: Mapping[str, str]  # run id -> key of its own files, for the next build
    page_keys: Mapping[str, str]  # hardware page URL -> key, for the next build


def pages_to_draw(
    plan: Plan,
    contexts: Mapping[str, RunContext],
    fingerprints: Mapping[str, str],
    pages_key: str,
    page_keys: Mapping[str, str],
    store: RecordStore | None,
) -> Drawing:
    """Every page whose key changed since it was drawn (every page, unless in place)."""
    outputs = {
        run_id: run_output_key(pages_key, fingerprints[run_id], context.key)
        for run_id, context in contexts.items()
    }
    before = store.outputs if plan.in_place and store is not None else {}
    pages_before = store.page_keys if plan.in_place and store is not None else {}
    draw = tuple(run_id for run_id, key in outputs.items() if before.get(run_id) != key)
    kept = tuple(run_id for run_id, key in outputs.items() if before.get(run_id) == key)
    kept_pages = frozenset(url for url, key in page_keys.items() if pages_before.get(url) == key)
    return Drawing(draw, kept, kept_pages, outputs, page_keys)
