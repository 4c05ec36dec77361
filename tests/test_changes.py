"""Noise estimation and change detection over run histories."""

from __future__ import annotations

import datetime as dt
import random

from sitegen.catalog.changes import estimate_noise, significant_changes
from sitegen.catalog.model import Series, SeriesPoint


def series(runtime: str, values: list[float], metric: str = "decode_tok_s") -> Series:
    start = dt.date(2026, 1, 1)
    points = tuple(
        SeriesPoint(f"hw/run-{i:02d}", start + dt.timedelta(days=7 * i), v, runtime, f"{runtime}.json")
        for i, v in enumerate(values)
    )
    return Series("hw", runtime, metric, None, points)


def test_a_step_change_is_flagged_and_pure_noise_is_not():
    rng = random.Random(42)
    noise_only = [100.0 + rng.gauss(0, 1.5) for _ in range(16)]
    stepped = [100.0 + rng.gauss(0, 1.5) + (12.0 if i >= 9 else 0.0) for i in range(16)]
    changes = significant_changes([series("steady", noise_only), series("improved", stepped)])
    assert [(c.runtime, c.run_id, c.previous_run_id, c.better) for c in changes] == [
        ("improved", "hw/run-09", "hw/run-08", True)
    ]
    noise = estimate_noise(stepped)
    assert noise is not None and 0.7 < noise.sigma < 3.0


def test_direction_decides_better_or_worse():
    ttft = [50.0, 50.4, 49.7, 50.2, 49.9, 50.1, 65.0, 65.3, 64.8]
    (change,) = significant_changes([series("rt", ttft, metric="ttft_p50_ms")])
    assert change.delta > 0 and not change.better  # a slower first token is worse
    assert round(change.relative, 2) == 0.30


def test_short_histories_and_flat_series():
    assert estimate_noise([1.0, 2.0, 3.0]) is None  # too few runs to say what noise is
    flat = [80.0] * 8 + [80.5] + [80.0] * 3
    assert significant_changes([series("rt", flat)]) == []  # below the 2 % floor
