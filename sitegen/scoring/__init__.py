"""The port of the reference scoring module: pure functions, no I/O, no site concepts.

One module per scorecard, each with its compute function and its text and
markdown formats; `report` runs them all the way `sitegen score` does.
"""

from .contract import DEFAULT_CONTRACT, MetricThreshold, ScoringContract
from .report import ScoreReport, render_text, report_to_json, score_results

__all__ = [
    "DEFAULT_CONTRACT",
    "MetricThreshold",
    "ScoreReport",
    "ScoringContract",
    "render_text",
    "report_to_json",
    "score_results",
]
