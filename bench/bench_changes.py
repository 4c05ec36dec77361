"""Print how well the change detector works on synthetic series whose truth is known.

    .venv/bin/python bench/bench_changes.py [--noise 1000] [--steps 200] [--seeds 3]

First the test suite's set (40 series of pure noise at 3 % spread, every other one with a
single-run outlier of 25 %, and 10 series with a 10 % step at a known run), the sets the
methodology page gives at three history lengths, then larger sets
over several seeds, at steps of several sizes: false alarms per noise series, outliers reported
as changes, steps found at their run (±1) and changes reported away from a step. The methodology
page states the same figures (sitegen/catalog/changes.py `replay`). Also the detector's time per
series, for the build's budget.
"""

from __future__ import annotations

import argparse
import time

from sitegen.catalog.changes import REPLAY_LENGTHS, REPLAY_SET, replay


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noise", type=int, default=1000, help="noise series per seed")
    parser.add_argument("--steps", type=int, default=200, help="step series per seed")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()

    small = replay()
    print("test suite's set (40 noise series, 10 steps, 24 runs, noise 3 %):")
    print(f"  false alarms       {small.false_alarms} of {small.noise_series} series")
    print(f"  outliers reported  {small.outliers_reported} of {small.outliers}")
    print(f"  steps found        {small.steps_found} of {small.step_series} (misplaced {small.misplaced})")
    print()
    print("the methodology page's sets (500 noise and 100 step series per history length, step 10 %):")
    for runs in REPLAY_LENGTHS:
        r = replay(runs=runs, **REPLAY_SET)
        print(
            f"  {runs:>2} runs: false alarms {r.false_alarm_rate:.1%} of noise series, outliers reported "
            f"{r.outliers_reported / r.outliers:.1%}, steps found {r.detection_rate:.0%}"
        )
    print()
    print(f"larger sets ({args.noise} noise and {args.steps} step series per seed, {args.seeds} seeds):")
    print(
        f"  {'step':>5} {'false alarms':>13} {'outliers':>9} {'found':>7} {'misplaced':>10} {'µs/series':>10}"
    )
    for step in (0.05, 0.10, 0.20):
        alarms = outliers = found = misplaced = noise_n = step_n = outlier_n = 0
        started = time.perf_counter()
        for seed in range(args.seeds):
            r = replay(noise_series=args.noise, step_series=args.steps, step=step, seed=seed)
            alarms += r.false_alarms
            outliers += r.outliers_reported
            outlier_n += r.outliers
            found += r.steps_found
            misplaced += r.misplaced
            noise_n += r.noise_series
            step_n += r.step_series
        per_series = (time.perf_counter() - started) / (noise_n + step_n) * 1e6
        print(
            f"  {step:>5.0%} {alarms / noise_n:>13.2%} {outliers / outlier_n:>9.2%} "
            f"{found / step_n:>7.1%} {misplaced / step_n:>10.2%} {per_series:>10.0f}"
        )


if __name__ == "__main__":
    main()
