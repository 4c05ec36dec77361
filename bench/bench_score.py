"""Print how fast sitegen scores results: results/s for validation and for scoring.

    .venv/bin/python bench/bench_score.py [--results 10000]

Generates realistic results in memory (sitegen.synthetic), then times, in one
process: validating the decoded JSON into result models, and computing every
scorecard over them (grouped as one big directory, and as 1,000 runs of 10).
Compare figures as ratios within one run: shared machines drift.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import timedelta

from sitegen.gcpause import collector_paused
from sitegen.results import parse_result
from sitegen.scoring.report import order_results, score_results
from sitegen.synthetic import CONCURRENCY_LEVELS, EPOCH, HARDWARE, RUNTIMES, make_result


def generate(count: int) -> list[dict]:
    rng = random.Random(1)
    out = []
    when = EPOCH
    while len(out) < count:
        for hw in HARDWARE:
            for rt in RUNTIMES:
                for c in CONCURRENCY_LEVELS:
                    when += timedelta(seconds=37)
                    out.append(make_result(rng, hw, rt, c, when, details=16))
    return out[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=int, default=10_000)
    args = parser.parse_args()
    raws = [json.dumps(v, indent=1).encode() for v in generate(args.results)]

    with collector_paused():
        t0 = time.perf_counter()
        loaded = [(parse_result(raw), f"r{i:05d}.json") for i, raw in enumerate(raws)]
        t1 = time.perf_counter()
        report = score_results(order_results(loaded))
        t2 = time.perf_counter()
        for start in range(0, len(loaded), 10):
            score_results(order_results(loaded[start : start + 10]))
        t3 = time.perf_counter()

    n = len(loaded)
    print(f"JSON bytes:                      {sum(map(len, raws)) / 1e6:.1f} MB")
    print(f"results:                         {n}")
    print(f"parse + validate:                {t1 - t0:.3f} s  ({n / (t1 - t0):,.0f} results/s)")
    print(f"score as one directory:          {t2 - t1:.3f} s  ({n / (t2 - t1):,.0f} results/s)")
    print(f"score as {n // 10} runs of 10:       {t3 - t2:.3f} s  ({n / (t3 - t2):,.0f} results/s)")
    print(f"composite levels in the big run: {len(report.composite)}")


if __name__ == "__main__":
    main()
