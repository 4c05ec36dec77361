"""The build cache: what the last build made, loaded as values for the next one to plan with.

It lives in the output's cache folder (cache_store.py: outside the repository,
every file signed), in two files:

- state.pickle, a `BuildState`: all the up-to-date check needs (the content
  hash of every input file with its stat, each run's fingerprint, the site's
  key, the build's date);
- records.pickle, read by a `RecordStore` only when there is work to do: each
  run's record (catalog/records.py), pickled on its own; the full entry of each
  standings candidate the catalog used; the key each run's own files were made
  from; the key each hardware page was made from.

A cache from another sitegen, another site.toml, or one whose signature does
not match is ignored with a note, and the build reads every run.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..catalog.fingerprints import FileHashes
from .cache_store import CacheHome

if TYPE_CHECKING:  # an up-to-date check reads the state alone, and loads none of these
    from ..catalog.model import ResultEntry
    from ..catalog.reading import EntryKey
    from ..catalog.records import RunRecord

CACHE_FORMAT = 4
STATE_FILE = "state.pickle"  # the cache's small part: all the up-to-date check needs
RECORDS_FILE = "records.pickle"  # the records, much larger, read only to build
Note = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class BuildState:
    """What the last build was made from."""

    format: int
    code: str  # sitegen's code and default theme
    config: str  # site.toml and where it lies: records depend on it
    file_hashes: FileHashes = field(default_factory=dict)
    fingerprints: Mapping[str, str] = field(default_factory=dict)  # run id -> fingerprint
    site: str = ""  # the key of the site it built ("": none to vouch for; its records unusable)
    day: str = ""  # the build's date (config.today)
    dated_ahead: bool = False  # some run was judged dated after `day`: another day judges it again


def load_state(home: CacheHome | None, code: str, config: str, day: str, note: Note) -> BuildState | None:
    """The last build's state, or None (with a note when one was there but is not usable).
    Only a file signed with this cache folder's key is unpickled (cache_store.py). When
    sitegen or site.toml changed, or the day changed for a build that judged a date after its
    own, only the file hashes are kept (they stand whatever reads the files)."""
    if home is None:
        return None
    payload = home.read(STATE_FILE)
    if payload is None:
        if os.path.lexists(home.folder / STATE_FILE):
            note(f"build cache {home.folder / STATE_FILE} is unreadable or not signed here; ignored")
        return None
    try:
        state = pickle.loads(payload)
    except Exception:  # signed by us, yet unreadable (another Python, say): never trusted
        note(f"build cache {home.folder / STATE_FILE} is unreadable; ignored, building from scratch")
        return None
    if not isinstance(state, BuildState) or state.format != CACHE_FORMAT:
        note(
            f"build cache {home.folder / STATE_FILE} is from another sitegen; ignored, building from scratch"
        )
        return None
    if state.code != code or state.config != config:
        note("sitegen or site.toml changed since the last build: every run is read again")
        return BuildState(CACHE_FORMAT, code, config, state.file_hashes)
    if state.dated_ahead and state.day != day:
        note("a run was dated after the last build's date, and the date changed: every run is read again")
        return BuildState(CACHE_FORMAT, code, config, state.file_hashes)
    return state


def save_state(home: CacheHome, state: BuildState) -> None:
    home.write(STATE_FILE, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


class RecordStore:
    """Each run's record by run id, and what the pages were made from, as the last build left
    them and as this build changes them. Records are kept pickled on their own and loaded when
    first asked for; saving writes the unchanged ones as they were loaded."""

    def __init__(
        self,
        blobs: Mapping[str, bytes] | None = None,
        latest: Mapping[EntryKey, ResultEntry] | None = None,
        outputs: Mapping[str, str] | None = None,
        page_keys: Mapping[str, str] | None = None,
    ) -> None:
        self._blobs: dict[str, bytes] = dict(blobs or {})
        self._loaded: dict[str, RunRecord] = {}
        self.latest: Mapping[EntryKey, ResultEntry] = latest or {}  # (run id, file) -> entry
        self.outputs: Mapping[str, str] = outputs or {}  # run id -> key of its own files
        self.page_keys: Mapping[str, str] = page_keys or {}  # hardware page URL -> its key

    @classmethod
    def load(cls, home: CacheHome, site: str, note: Note) -> RecordStore | None:
        """The records the build whose site key is `site` saved, or None (with a note)."""
        try:
            payload = home.read(RECORDS_FILE)
            if payload is None:
                raise ValueError("not signed here")
            saved, blobs, latest, outputs, page_keys = pickle.loads(payload)
            if saved != site or not isinstance(blobs, dict):
                raise ValueError("records of another build")
        except Exception:  # missing, truncated, corrupted or foreign: never trusted
            note(f"build cache {home.folder / RECORDS_FILE} is unreadable; ignored, building from scratch")
            return None
        return cls(blobs, latest, outputs, page_keys)

    def __contains__(self, run_id: str) -> bool:
        return run_id in self._blobs

    def record(self, run_id: str) -> RunRecord:
        record = self._loaded.get(run_id)
        if record is None:
            record = self._loaded[run_id] = pickle.loads(self._blobs[run_id])
        return record

    def put(self, run_id: str, blob: bytes) -> None:
        """A run's record as read now, pickled on its own (as site/shards.py sends it)."""
        self._blobs[run_id] = blob
        self._loaded.pop(run_id, None)

    def keep_only(self, run_ids: Iterable[str]) -> None:
        """Forget the runs that are gone."""
        keep = set(run_ids)
        for run_id in [r for r in self._blobs if r not in keep]:
            del self._blobs[run_id]
            self._loaded.pop(run_id, None)

    def save(
        self,
        home: CacheHome,
        site: str,
        latest: Mapping[EntryKey, ResultEntry],
        outputs: Mapping[str, str],
        page_keys: Mapping[str, str],
    ) -> None:
        """Written under the site key it goes with (the state names it), signed."""
        payload = (site, self._blobs, dict(latest), dict(outputs), dict(page_keys))
        home.write(RECORDS_FILE, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
