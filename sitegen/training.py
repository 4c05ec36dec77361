"""sitegen's training-step result format: one JSON file per runtime and training run.

The reference scores training steps from in-memory tuples; this is the file
that carries them. A file is a training-step result when its top-level
`"kind"` is `"sitegen.training_step"`. Example:

    {
      "kind": "sitegen.training_step",
      "model_name": "qwen2.5-coder-1.5b",
      "runtime_name": "realizr-cuda",
      "tokens_per_sec": 5234.5,      // training tokens per second
      "ms_per_step": 97.8,           // wall time of one optimizer step
      "wall_coverage": 0.93,         // share of the step covered by profiled kernels, 0..1
      "forward_pct": 41.0,           // forward pass, % of the step
      "transfer_pct": 12.0,          // host<->device transfer, % of the step
      "compute_util_pct": 63.0,      // compute utilisation, %
      "hotspot_layers": 3,           // layers flagged as hotspots
      "timestamp": "2026-03-05T10:00:00Z"   // optional
    }

The bottleneck is not stored: it is derived with `classify_bottleneck`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .results import F64, U32, ParseFailure, StrictStr, _reason_from, _Record
from .scoring.training import TrainingStepInput, classify_bottleneck

TRAINING_KIND = "sitegen.training_step"


class TrainingStepResult(_Record):
    kind: StrictStr
    model_name: StrictStr
    runtime_name: StrictStr
    tokens_per_sec: F64
    ms_per_step: F64
    wall_coverage: F64
    forward_pct: F64
    transfer_pct: F64
    compute_util_pct: F64
    hotspot_layers: U32
    timestamp: StrictStr | None = None

    def to_input(self) -> tuple[str, TrainingStepInput]:
        """(model name, the scorer's input tuple)."""
        return self.model_name, TrainingStepInput(
            name=self.runtime_name,
            tokens_per_sec=self.tokens_per_sec,
            wall_coverage=self.wall_coverage,
            bottleneck=classify_bottleneck(self.forward_pct, self.transfer_pct, self.compute_util_pct),
            hotspot_layers=self.hotspot_layers,
            ms_per_step=self.ms_per_step,
        )


def is_training_document(value: Any) -> bool:
    return isinstance(value, dict) and value.get("kind") == TRAINING_KIND


def training_from_value(value: Any) -> TrainingStepResult:
    """Validate a decoded training-step document. Raises ParseFailure."""
    try:
        return TrainingStepResult.model_validate(value)
    except ValidationError as exc:
        raise ParseFailure(_reason_from(exc.errors(include_url=False)[0])) from None
