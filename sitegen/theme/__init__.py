"""The default theme: the repository's templates/ and static/, installed here by setuptools.

A wheel installs them as sitegen/theme/templates and sitegen/theme/static; a
checkout or an editable install reads them from the repository root.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def default_dir(kind: str) -> Path:
    """The default `templates` or `static` directory."""
    for candidate in (_HERE / kind, _HERE.parents[1] / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the default theme's {kind}/ directory is missing from the installation")
