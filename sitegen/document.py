"""The `sitegen score --format json` document; each run page publishes the same as scorecards.json."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .safetext import compact_json, dumps_finite
from .scoring.composite import Loaded
from .scoring.report import ScoreReport, render_text, report_to_json

if TYPE_CHECKING:
    from .catalog.model import Run


def score_document(
    loaded: Sequence[Loaded],
    skipped: Sequence[tuple[str, str]],
    training_files: Sequence[str],
    report: ScoreReport,
) -> dict[str, Any]:
    # Every scorecard's timestamp is the newest result timestamp (not the clock): same inputs, same bytes.
    stamp = max((result.timestamp for result, _ in loaded), default="")
    return {
        "files_loaded": [name for _, name in loaded],
        "files_skipped": [name for name, _ in skipped],
        "skip_reasons": dict(skipped),
        "training_files": list(training_files),
        **report_to_json(report, stamp),
    }


def run_score_document(run: Run) -> dict[str, Any]:
    """The document `sitegen score --format json` prints for a run's directory: the site publishes
    it as the run's scorecards.json and the pull-request report reads the same. Imported results
    the contract scores are in it too (`sitegen score` reads the load tester's files only); those
    it cannot score are listed as skipped, with the reason."""
    loaded = [(e.result, e.source) for e in run.results if e.scored]
    unscored = [
        (e.source, f"{e.origin.format} result, not scored: {e.origin.unscored_reason}")
        for e in run.results
        if e.origin is not None and not e.scored
    ]
    skipped = tuple(run.skipped) + tuple(unscored)
    return score_document(loaded, skipped, [name for name, _ in run.training], run.report)


def score_json(document: dict[str, Any], *, pretty: bool = True) -> str:
    """Indented for people (the CLI); compact for the site (safetext.compact_json: each run page
    publishes one)."""
    # A value that cannot be computed (a rate over 5e-324) is null, as serde_json writes it.
    if pretty:
        return dumps_finite(document, indent=2, ensure_ascii=False) + "\n"
    return compact_json(document) + "\n"


def score_markdown(report: ScoreReport) -> str:
    """The markdown document of `sitegen score --format markdown` (empty when nothing scored)."""
    text = render_text(report, markdown=True)
    return text + "\n" if text else ""
