"""Measurement validity: whether a result measured anything, decided once for every result.

The scoring contract scores a latency of 0 ms as excellent, so a run whose
requests all failed, or that produced no output token, would otherwise take
best marks. Every result gets one of:

- *invalid*: no successful request, or requests succeeded but no output token
  was reported (`completion_tokens_total` or `tokens_per_sec` reported as 0; a
  `completion_tokens_total` that older files do not report is not a 0),
  or a measured value beyond any real measurement (over MAX_MEASURED: 1e15
  tokens per second or milliseconds is no measurement, and a value near 1e308
  overflows what a chart computes), or a date after the build's (its timestamp,
  or its run's date);
- *unreliable*: a share of failed requests above `[quality] max_error_rate`
  (`error_rate`, or failed / total when error_rate is 0 but requests failed);
- *few samples*: fewer successful requests than `[quality] min_requests`;
- or no flag.

Invalid, unreliable and few-samples results are never best and never ranked:
they are shown with their flag, and listed apart from the standings (a p99 of
two requests is no measurement to rank first).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from enum import StrEnum

from ..config import QualityConfig
from ..results import LoadTestResult


class Validity(StrEnum):
    INVALID = "invalid"
    UNRELIABLE = "unreliable"
    FEW_SAMPLES = "few samples"


@dataclass(frozen=True, slots=True)
class Flag:
    kind: Validity
    reason: str  # every rule the result breaks, most serious first


def failure_share(result: LoadTestResult) -> float:
    """The share of failed requests: error_rate, else failed / total when failures were counted."""
    if result.error_rate > 0:
        return result.error_rate
    if result.failed > 0 and result.total_requests > 0:
        return result.failed / result.total_requests
    return 0.0


# No real measurement reaches this (tokens per second, milliseconds, watts, joules).
MAX_MEASURED = 1e15


def _is_float_field(annotation: object) -> bool:
    """A float, or an optional one (`F64 | None`: Annotated inside Optional)."""
    if annotation is float:
        return True
    return typing.get_origin(annotation) is typing.Union and any(
        typing.get_origin(arg) is typing.Annotated and typing.get_args(arg)[0] is float or arg is float
        for arg in typing.get_args(annotation)
    )


# The result's measured numbers (its counts are 64-bit integers, bounded by the format).
_MEASURED_FIELDS = tuple(
    name for name, info in LoadTestResult.model_fields.items() if _is_float_field(info.annotation)
)


def beyond_measurement(result: LoadTestResult) -> str:
    """The first measured value beyond any real measurement, as "field is value", or ""."""
    for name in _MEASURED_FIELDS:
        value = getattr(result, name)
        if value is not None and abs(value) > MAX_MEASURED:
            return f"{name} is {value:.2g}"
    telemetry = result.gpu_telemetry
    if telemetry is not None:
        for name, value in (
            ("gpu_telemetry.power_draw_w.mean", telemetry.power_draw_w.mean),
            ("gpu_telemetry.memory_used_mb.mean", telemetry.memory_used_mb.mean),
            ("gpu_telemetry.energy_per_token_mj", telemetry.energy_per_token_mj),
        ):
            if abs(value) > MAX_MEASURED:
                return f"{name} is {value:.2g}"
    return ""


def judge(result: LoadTestResult, rules: QualityConfig, dated_after: str = "") -> Flag | None:
    """The result's flag, or None for a valid measurement. `dated_after`: why the result (or
    its run) is dated after the build, if it is: no real measurement comes from the future."""
    found: list[tuple[Validity, str]] = []
    if dated_after:
        found.append((Validity.INVALID, dated_after))
    beyond = beyond_measurement(result)
    if beyond:
        found.append((Validity.INVALID, f"{beyond}, beyond any real measurement (over {MAX_MEASURED:.0e})"))
    if result.successful == 0:
        found.append((Validity.INVALID, f"no successful request (of {result.total_requests:,})"))
    elif result.tokens_per_sec == 0 or (
        result.completion_tokens_total == 0 and "completion_tokens_total" in result.model_fields_set
    ):
        what = "tokens_per_sec is 0" if result.tokens_per_sec == 0 else "completion_tokens_total is 0"
        found.append(
            (Validity.INVALID, f"no output token: {what}, though {result.successful:,} requests succeeded")
        )
    share = failure_share(result)
    if share > rules.max_error_rate:
        found.append(
            (
                Validity.UNRELIABLE,
                f"{share:.0%} of requests failed, over the {rules.max_error_rate:.0%} limit",
            )
        )
    if result.successful < rules.min_requests and result.successful > 0:
        found.append(
            (
                Validity.FEW_SAMPLES,
                f"{result.successful} successful request{'s' if result.successful != 1 else ''}, "
                f"fewer than {rules.min_requests}",
            )
        )
    if not found:
        return None
    return Flag(found[0][0], "; ".join(reason for _, reason in found))
