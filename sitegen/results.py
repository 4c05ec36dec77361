"""The load tester's result format (`LoadTestResult`) and a parser for it.

The models accept what the reference deserializer (serde_json, no
`float_roundtrip`) accepts for the cases that matter:

- fields without a default are required, in nested records too;
- `null` only where a field is optional; a defaulted number or list rejects it;
- integer fields reject fractions (`10.0`), `-0`, negatives and values out of range;
- numbers must be finite (no `NaN`, `Infinity`, `1e400`);
- unknown fields are ignored; a known field given twice is an error;
- a top-level JSON array is read as the fields in declaration order.

`parse_result` never raises: it returns a result or a one-line reason that
names the field, e.g. ``concurrency: expected a non-negative integer, got 4.5``.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, NotRequired

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
)
from typing_extensions import TypedDict

from .errors import format_location

U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1

F64 = StrictFloat
U64 = Annotated[StrictInt, Field(ge=0, le=U64_MAX)]
U32 = Annotated[StrictInt, Field(ge=0, le=U32_MAX)]
Quad = tuple[F64, F64, F64, F64]


class _Record(BaseModel):
    """Base of every record: unknown fields ignored, numbers finite, values frozen."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False, frozen=True)


class RequestDetail(TypedDict):
    """One request's timings. A typed dict, not a model: results hold thousands of them."""

    latency_ms: F64
    ttft_ms: F64
    completion_tokens: U32
    prompt_tokens: U32
    itl_ms: F64
    finish_reason: NotRequired[StrictStr | None]


class QualityFailure(_Record):
    request_idx: U64
    reason: StrictStr


class QualityResult(_Record):
    validation_level: StrictStr
    total_validated: U64
    passed: U64
    failed: U64
    pass_rate: F64
    failures: list[QualityFailure] = []


class LatencySpike(_Record):
    request_idx: U64
    itl_ms: F64


class JitterAnalysis(_Record):
    itl_cv: F64
    itl_iqr_ms: F64
    spike_count: U64
    spike_threshold_ms: F64
    spikes: list[LatencySpike] = []


class DriftAnalysis(_Record):
    itl_slope_ms_per_min: F64
    ttft_slope_ms_per_min: F64
    degradation_detected: StrictBool


class TailAnalysis(_Record):
    itl_p999_ms: F64
    itl_p9999_ms: F64
    ttft_p999_ms: F64
    ttft_p9999_ms: F64
    latency_p999_ms: F64
    latency_p9999_ms: F64
    tail_ratio_itl: F64
    tail_ratio_ttft: F64
    tail_ratio_latency: F64
    jitter: JitterAnalysis
    drift: DriftAnalysis


class TelemetryStat(_Record):
    mean: F64
    max: F64
    min: F64


class GpuTelemetry(_Record):
    samples: U64
    gpu_utilization_pct: TelemetryStat
    memory_used_mb: TelemetryStat
    memory_total_mb: F64
    power_draw_w: TelemetryStat
    temperature_c: TelemetryStat
    clock_gpu_mhz: TelemetryStat
    throttle_events: U64
    energy_total_wh: F64
    energy_per_token_mj: F64
    energy_per_request_mj: F64


class DatasetStats(_Record):
    source: StrictStr
    total_prompts: U64
    input_tokens: Quad
    max_tokens_requested: Quad


class BrickTraceOpSummary(_Record):
    name: StrictStr
    mean_us: F64
    min_us: F64
    max_us: F64
    pct_of_total: F64
    samples: U64


class LoadTestResult(_Record):
    """One runtime at one concurrency level. Field order is the reference's declaration order."""

    total_requests: U64
    successful: U64
    failed: U64
    throughput_rps: F64
    latency_p50_ms: F64
    latency_p95_ms: F64
    latency_p99_ms: F64
    ttft_p50_ms: F64
    tokens_per_sec: F64
    avg_tok_per_req: F64 = 0.0
    itl_p50_ms: F64 = 0.0
    decode_tok_per_sec: F64 = 0.0
    prefill_tok_per_sec: F64 = 0.0
    timestamp: StrictStr
    runtime_name: StrictStr
    elapsed_secs: F64
    concurrency: U64
    ttft_p90_ms: F64 = 0.0
    ttft_p95_ms: F64 = 0.0
    ttft_p99_ms: F64 = 0.0
    tpot_p50_ms: F64 = 0.0
    tpot_p90_ms: F64 = 0.0
    tpot_p95_ms: F64 = 0.0
    tpot_p99_ms: F64 = 0.0
    latency_min_ms: F64 = 0.0
    latency_max_ms: F64 = 0.0
    latency_stddev_ms: F64 = 0.0
    error_rate: F64 = 0.0
    prompt_tokens_total: U64 = 0
    completion_tokens_total: U64 = 0
    truncated_pct: F64 = 0.0
    sse_batch_ratio: F64 = 0.0
    goodput_pct: F64 = 0.0
    output_tokens_dist: Quad | None = None
    decode_us_per_layer: F64 | None = None
    num_layers: U32 | None = None
    brick_trace_summary: list[BrickTraceOpSummary] | None = None
    request_details: list[RequestDetail] = []
    quality: QualityResult | None = None
    tail_analysis: TailAnalysis | None = None
    gpu_telemetry: GpuTelemetry | None = None
    dataset_stats: DatasetStats | None = None
    cold_start_ms: F64 | None = None


FIELD_ORDER: tuple[str, ...] = tuple(LoadTestResult.model_fields)
_KNOWN_FIELDS: dict[type[BaseModel], frozenset[str]] = {}


class ParseFailure(ValueError):
    """The text is not a valid result; `reason` is one line naming the field."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _NegativeZero(float):
    """The literal `-0`: serde_json reads it as the float -0.0, so integer fields reject it."""


class _DuplicateKeys(dict):
    """A JSON object that repeated a key; `duplicates` lists the repeated keys."""

    duplicates: tuple[str, ...] = ()


def _pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    dup = _DuplicateKeys(obj)
    dup.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return dup


def _reject_constant(name: str) -> Any:
    raise ParseFailure(f"invalid JSON: {name} is not a number JSON allows")


def _parse_int(text: str) -> Any:
    return _NegativeZero(-0.0) if text == "-0" else int(text)


# Quick pre-checks on the raw text decide whether the slower, exact decoder is needed.
# Counting every field name would cost more than parsing, so only `runtime_name`
# (the field people edit by hand) is checked for repeats on the fast path; any
# other repeated field in an otherwise valid file is read last-wins, where
# serde_json would reject the file. Files that fail the fast path get the full
# check.
_NEG_ZERO = re.compile(rb"-0(?![0-9.eE])")
# A \uD800-\uDFFF escape: Python's json and pydantic accept a lone one, serde_json does not.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _needs_exact_decoder(raw: bytes) -> bool:
    return (
        bool(_NEG_ZERO.search(raw)) or raw.count(b'"runtime_name"') > 1 or bool(_SURROGATE_ESCAPE.search(raw))
    )


def _lone_surrogate(text: str) -> str | None:
    """The first lone surrogate in `text` as an escape (`\\ud800`); json.loads joins valid pairs."""
    for ch in text:
        if "\ud800" <= ch <= "\udfff":
            return f"\\u{ord(ch):04x}"
    return None


def _surrogate_reason(loc: tuple[Any, ...], escape: str, in_key: bool = False) -> str:
    what = "a field name with a lone surrogate escape" if in_key else "a lone surrogate escape"
    return f"{format_location(loc)}: {what} ({escape}) is not text"


def find_lone_surrogate(value: Any, loc: tuple[Any, ...] = ()) -> str | None:
    """A reason naming the first string or key anywhere in `value` that holds a lone surrogate."""
    stack: list[tuple[tuple[Any, ...], Any]] = [(loc, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            escape = _lone_surrogate(item)
            if escape:
                return _surrogate_reason(where, escape)
        elif isinstance(item, dict):
            for key in item:
                escape = _lone_surrogate(key)
                if escape:
                    return _surrogate_reason(where, escape, in_key=True)
            stack.extend((where + (k,), v) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((where + (i,), v) for i, v in reversed(list(enumerate(item))))
    return None


def _result_lone_surrogate(value: dict, model: type[BaseModel], loc: tuple[Any, ...] = ()) -> str | None:
    """Like serde_json: a lone surrogate fails in any field name of a record and in a known string
    field; inside the value of an unknown field (skipped unread) it passes."""
    fields = model.model_fields
    for key, sub in value.items():
        escape = _lone_surrogate(key)
        if escape:
            return _surrogate_reason(loc, escape, in_key=True)
        if key not in fields:
            continue
        inner = _nested_model(fields[key].annotation)
        items = sub if isinstance(sub, list) else [sub]
        for i, item in enumerate(items):
            where = loc + ((key, i) if isinstance(sub, list) else (key,))
            if isinstance(item, str):
                escape = _lone_surrogate(item)
                if escape:
                    return _surrogate_reason(where, escape)
            elif isinstance(item, dict):
                found = (
                    _result_lone_surrogate(item, inner, where)
                    if inner is not None
                    else find_lone_surrogate(item, where)  # request_details: every key and string is read
                )
                if found:
                    return found
    return None


def decode_json(raw: bytes) -> Any:
    """Decode JSON as serde_json would: UTF-8 only, no BOM, finite numbers, nothing trailing.

    Raises ParseFailure with a one-line reason.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ParseFailure("file starts with a byte-order mark (BOM); JSON must not")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseFailure(f"not UTF-8 text (invalid byte at offset {exc.start})") from None
    if not text.strip():
        raise ParseFailure("empty file")
    exact = _needs_exact_decoder(raw)
    try:
        if exact:
            return json.loads(
                text,
                parse_constant=_reject_constant,
                parse_int=_parse_int,
                object_pairs_hook=_pairs_to_dict,
            )
        return json.loads(text, parse_constant=_reject_constant)
    except ParseFailure:
        raise
    except json.JSONDecodeError as exc:
        raise ParseFailure(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ParseFailure("invalid JSON: nested too deeply") from None
    except ValueError as exc:  # int() of a huge literal
        raise ParseFailure(f"invalid JSON: {exc}") from None


def _describe(value: Any) -> str:
    if isinstance(value, _NegativeZero):
        return "-0"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "an array"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return json.dumps(shown)
    return repr(value)


_EXPECTATIONS = {
    "int_type": "expected a non-negative integer",
    "int_parsing": "expected a non-negative integer",
    "int_from_float": "expected a non-negative integer",
    "greater_than_equal": "expected a non-negative integer",
    "less_than_equal": "integer out of range",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "string_type": "expected a string",
    "bool_type": "expected true or false",
    "list_type": "expected an array",
    "tuple_type": "expected an array of 4 numbers",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "dict_type": "expected an object",
}


def _reason_from(error: dict[str, Any]) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "missing":
        # A missing 4th element of a tuple means the array was too short.
        if loc and isinstance(loc[-1], int):
            return f"{format_location(loc[:-1])}: expected an array of 4 numbers"
        return f"{format_location(loc)}: missing required field"
    if kind == "too_long":
        return f"{format_location(loc)}: expected an array of 4 numbers"
    expectation = _EXPECTATIONS.get(kind, error.get("msg", "invalid value"))
    return f"{format_location(loc)}: {expectation}, got {_describe(error.get('input'))}"


def _find_duplicate(value: Any, model: type[BaseModel], loc: tuple[Any, ...] = ()) -> str | None:
    """Name the first known field given twice in a record (serde rejects those)."""
    if not isinstance(value, dict):
        return None
    fields = model.model_fields
    if isinstance(value, _DuplicateKeys):
        for key in value.duplicates:
            if key in fields:
                return f"{format_location(loc + (key,))}: field given twice"
    for name, info in fields.items():
        sub = value.get(name)
        if sub is None:
            continue
        inner = _nested_model(info.annotation)
        if inner is None:
            continue
        items = sub if isinstance(sub, list) else [sub]
        for i, item in enumerate(items):
            where = loc + ((name, i) if isinstance(sub, list) else (name,))
            found = _find_duplicate(item, inner, where)
            if found:
                return found
    return None


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def result_from_value(value: Any) -> LoadTestResult:
    """Validate decoded JSON as a LoadTestResult. Raises ParseFailure."""
    if isinstance(value, list):
        if len(value) > len(FIELD_ORDER):
            raise ParseFailure(f"array form has {len(value)} elements, at most {len(FIELD_ORDER)} fields")
        value = dict(zip(FIELD_ORDER, value, strict=False))  # trailing fields keep defaults
    elif not isinstance(value, dict):
        raise ParseFailure(f"expected a JSON object, got {_describe(value)}")
    if isinstance(value, _DuplicateKeys) or _has_marked_objects(value):
        duplicate = _find_duplicate(value, LoadTestResult)
        if duplicate:
            raise ParseFailure(duplicate)
    surrogate = _result_lone_surrogate(value, LoadTestResult)
    if surrogate:
        raise ParseFailure(surrogate)
    try:
        return LoadTestResult.model_validate(value)
    except ValidationError as exc:
        raise ParseFailure(_reason_from(exc.errors(include_url=False)[0])) from None


def _has_marked_objects(value: dict) -> bool:
    # Nested objects were only marked when the exact decoder ran; cheap to skip otherwise.
    return any(isinstance(v, _DuplicateKeys) for v in value.values())


def parse_result(raw: bytes) -> LoadTestResult | str:
    """Parse the bytes of one file: the result, or a one-line reason it is not one."""
    fast = parse_result_fast(raw)
    if fast is not None:
        return fast
    try:
        return result_from_value(decode_json(raw))
    except ParseFailure as failure:
        return failure.reason


def parse_result_fast(raw: bytes) -> LoadTestResult | None:
    """The common case in one step: pydantic parses and validates the bytes directly.

    Returns None when the file needs the exact path: text the fast parser would
    read more leniently than serde_json (a BOM, `-0`, a repeated required key)
    or anything it rejects (the exact path then words the reason, or accepts
    the array form).
    """
    if raw.startswith(b"\xef\xbb\xbf") or _needs_exact_decoder(raw):
        return None
    try:
        return LoadTestResult.model_validate_json(raw)
    except ValueError:  # pydantic's ValidationError, or bytes it cannot decode
        return None
