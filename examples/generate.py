"""Regenerate the bundled example results in examples/results/.

    python examples/generate.py

- examples/results/synthetic/: a deterministic synthetic history (sitegen.synthetic):
  3 hardware targets x 8 weekly runs x 4 runtimes x concurrency 1..32, with GPU
  telemetry, cold start, quality, tail analysis and request details.
- examples/results/qwen-coder-deploy/: real result directories from the public
  paiml/qwen-coder-deploy repository (MIT licence), copied byte for byte from
  tests/fixtures/sample-results, untidy as real data is.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sitegen.synthetic import HARDWARE, write_history  # noqa: E402


def main() -> None:
    results = HERE / "results"
    shutil.rmtree(results, ignore_errors=True)
    written = write_history(results / "synthetic", 8, hardware=HARDWARE[:3], details=8, describe=True)
    real = HERE.parent / "tests" / "fixtures" / "sample-results"
    shutil.copytree(real, results / "qwen-coder-deploy", ignore=shutil.ignore_patterns("README.md"))
    print(f"wrote {written} synthetic results and copied the real sample runs into {results}")


if __name__ == "__main__":
    main()
