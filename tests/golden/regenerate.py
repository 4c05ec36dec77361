"""Regenerate the golden files: the reference scorer's own output on every fixture directory.

Needs Rust and ../shared/oracle (not needed to run the tests):

    ORACLE=$(../shared/oracle/build.sh --roundtrip | tail -1)   # the float_roundtrip build
    python tests/golden/regenerate.py "$ORACLE" [NAME-PREFIX]

The float_roundtrip build parses floats exactly as Python's json does, so the
comparison is not disturbed by serde_json's 1-ULP parsing differences.

The reference is not deterministic where it iterates hash maps (see the
oracle's README), so each case is run RUNS times, each in a new process with
new hash keys, and every distinct output is kept: `<format>.<n>.txt`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
RUNS = 24
FORMATS = ("json", "table", "markdown")


def cases() -> list[tuple[str, Path, list[str], tuple[str, ...]]]:
    """(golden name, fixture directory, extra options, formats)."""
    out = []
    sample = FIXTURES / "sample-results"
    for run in sorted(p for p in sample.glob("*/*") if p.is_dir()):
        out.append((f"sample-{run.parent.name}-{run.name}", run, [], FORMATS))
    for d in sorted((FIXTURES / "scorecards").iterdir()):
        out.append((f"scorecards-{d.name}", d, [], FORMATS))
    for d in sorted((FIXTURES / "oracle").iterdir()):
        out.append((f"oracle-{d.name}", d, [], FORMATS))
    full = FIXTURES / "scorecards" / "full-sweep"
    out.append(("option-concurrency-4", full, ["--concurrency", "4"], FORMATS))
    out.append(("option-platform-llamacpp", full, ["--platform", "llamacpp"], FORMATS))
    # Mutated results (tests/fixtures/make_fuzz_fixtures.py): which files load, and their scores.
    for d in sorted((FIXTURES / "fuzz").iterdir()):
        out.append((f"fuzz-{d.name}", d, [], ("json",)))
    return out


def strip_timestamps(value: object) -> object:
    if isinstance(value, dict):
        return {k: strip_timestamps(v) for k, v in value.items() if k != "timestamp"}
    if isinstance(value, list):
        return [strip_timestamps(v) for v in value]
    return value


def main(oracle: str, only: str = "") -> None:
    """Regenerate every case, or those whose name starts with `only` (hash-order variants are
    sampled afresh each time, so regenerate only what changed)."""
    for name, directory, options, formats in cases():
        if not name.startswith(only):
            continue
        target = HERE / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        rel = directory.relative_to(HERE.parent.parent)
        (target / "case.json").write_text(
            json.dumps({"directory": str(rel), "options": options}, indent=1) + "\n"
        )
        for fmt in formats:
            seen: list[str] = []
            for _ in range(RUNS):
                out = subprocess.run(
                    [oracle, str(directory), "--format", fmt, *options],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                if fmt == "json":
                    out = json.dumps(strip_timestamps(json.loads(out)), indent=1, sort_keys=True) + "\n"
                if out not in seen:
                    seen.append(out)
            for i, text in enumerate(seen):
                (target / f"{fmt}.{i}.txt").write_text(text)
        print(f"{name}: " + ", ".join(f"{fmt} {len(list(target.glob(fmt + '.*.txt')))}" for fmt in FORMATS))


if __name__ == "__main__":
    main(*sys.argv[1:3])
