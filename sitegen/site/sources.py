"""Where a run page links its source files: to copies in the site (raw/), or, where site.toml's
source_url says where the results repository can be read online and the build knows its
repository and commit, to the files where they live (no copy: a history's source files are a
third of its published bytes).

Only files inside a results root are linked, by their real path (links resolved), relative to
the repository's folder (site.toml's) and percent-encoded segment by segment: the address is
built from the path, never from a file's contents, and a contributor's folder name cannot add
a query, a fragment or another host.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..config import LoadedConfig
from ..safefs import inside, real_path_in
from ..urls import quote_path

PLACES = ("repository", "commit")  # what source_url may ask for besides {path}


@dataclass(frozen=True, slots=True)
class SourceLinks:
    template: str = ""  # source_url with {repository} and {commit} filled in, {path} left; "" copies
    base_dir: str = ""  # the repository's folder: site.toml's, as a real path
    missing: tuple[str, ...] = ()  # what source_url asks for that the build was not given

    @classmethod
    def of(cls, config: LoadedConfig) -> SourceLinks:
        site = config.site
        if not site.source_url:
            return cls()
        missing = tuple(
            place
            for place in PLACES
            if f"{{{place}}}" in site.source_url and not getattr(site, f"source_{place}")
        )
        if missing:
            return cls(missing=missing)
        template = site.source_url.replace("{repository}", site.source_repository)
        template = template.replace("{commit}", site.source_commit)
        return cls(template, os.path.realpath(config.base_dir))

    @property
    def linking(self) -> bool:
        return bool(self.template)

    def url(self, root: str, folder: str, name: str) -> str | None:
        """The address of `name` in the run folder `folder` of results root `root`; None where
        its real path lies outside the root or the repository's folder (or cannot be read)."""
        try:
            real = real_path_in(os.path.realpath(folder), os.path.join(folder, name))
        except OSError:
            return None
        if not inside(real, os.path.realpath(root)) or not inside(real, self.base_dir):
            return None
        return self.template.replace(
            "{path}", quote_path(os.path.relpath(real, self.base_dir).replace(os.sep, "/"))
        )

    def note(self) -> str:
        """Why source files are copied though source_url is set ("" when they are linked)."""
        if not self.missing:
            return ""
        flags = " and ".join(f"--source-{place}" for place in self.missing)
        return f"source_url needs {flags}: source files are copied into the site instead"
