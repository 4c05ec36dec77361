"""A few pages of the real sample results, committed and compared byte for byte (as pelican's
tests compare their output): a template, stylesheet or view change that alters what a page says
shows up here as a diff to read, not only as a test that still passes.

After a deliberate change, look at the diff, then write the pages again:

    SITEGEN_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden" / "pages"
PAGES = (
    "index.html",  # the home page: standings, headline charts
    "hardware/gb10/index.html",  # a hardware page: leaderboards, history, changes
    "runs/jetson-orin/2026-03-07/index.html",  # a run page: every scorecard, flags, files
    "runs/jetson-orin/2026-03-07/composite-c1/index.html",  # a scorecard's link page
    "methodology/index.html",  # every threshold, weight and validity rule in use
)


@pytest.mark.parametrize("page", PAGES)
def test_the_page_is_the_committed_one(sample_site: Path, page: str):
    built = (sample_site / page).read_bytes()
    golden = GOLDEN / page
    if os.environ.get("SITEGEN_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(built)
    expected = golden.read_bytes()
    if built != expected:
        diff = difflib.unified_diff(
            expected.decode().splitlines(),
            built.decode().splitlines(),
            "committed",
            "built",
            lineterm="",
            n=1,
        )
        pytest.fail(f"{page} differs from tests/golden/pages/{page}:\n" + "\n".join(list(diff)[:60]))
