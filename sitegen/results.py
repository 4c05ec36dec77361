"""The load tester's result format (`LoadTestResult`) and a parser for it.

The models accept what the reference deserializer (serde_json, no
`float_roundtrip`) accepts for the cases that matter:

- fields without a default are required, in nested records too;
- `null` only where a field is optional; a defaulted number or list rejects it;
- integer fields reject fractions (`10.0`), `-0`, negatives and values out of range;
- numbers must be finite (no `NaN`, `Infinity`, `1e400`);
- unknown fields are ignored; a known field given twice is an error;
- a top-level JSON array is read as the fields in declaration order.

A file that is not a valid result gets a one-line reason that names the field,
e.g. ``concurrency: expected a non-negative integer, got 4.5`` (`ParseFailure`;
catalog/classify.py turns every file into a result or such a reason).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, NotRequired

import pydantic_core
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
from typing_extensions import TypedDict, is_typeddict

from . import memo
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
_KNOWN_FIELDS: dict[type[BaseModel], frozenset[str]] = memo.registered({})


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


# Quick pre-checks on the raw text decide whether the slower, exact decoder is needed:
# `-0` (serde reads it as a float, so integer fields reject it) and \uD800-\uDFFF escapes.
# Repeated keys are caught on the fast path by counting: every key in the text is a string
# followed by a colon, so when the text has no more `":` tokens than the parsed objects have
# keys, no object repeated a key; otherwise the exact decoder finds the repeat (or the extra
# `":` was inside a string).
_NEG_ZERO = re.compile(rb"-0(?![0-9.eE])")
# A \uD800-\uDFFF escape: Python's json and pydantic accept a lone one, serde_json does not.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


_SPACED_KEY_TOKEN = re.compile(rb'"[ \t\r\n]+:')


def _key_tokens(raw: bytes) -> int:
    """How many `"` + optional white space + `:` the text holds: at least one per key."""
    return raw.count(b'":') + len(_SPACED_KEY_TOKEN.findall(raw))


def _needs_exact_decoder(raw: bytes) -> bool:
    return bool(_NEG_ZERO.search(raw)) or bool(_SURROGATE_ESCAPE.search(raw))


def _keys_in(value: Any) -> int:
    """How many keys the objects in a decoded JSON value hold, all levels together.

    A list of objects (request details, spikes, failures) counts its objects' own keys in C
    and is not descended further: a file with objects nested inside such objects counts low,
    so it fails the comparison and takes the exact path, which is always right.
    """
    count = 0
    stack = [value]
    push, pop = stack.append, stack.pop
    while stack:
        item = pop()
        if type(item) is dict:
            count += len(item)
            for v in item.values():
                if type(v) is dict or type(v) is list:
                    push(v)
        elif type(item) is list and item:
            kinds = set(map(type, item))
            if kinds == {dict}:
                count += sum(map(len, item))
            elif not kinds <= _JSON_SCALARS:  # a list of numbers or strings holds no key
                for v in item:
                    if type(v) is dict or type(v) is list:
                        push(v)
    return count


_JSON_SCALARS = frozenset((int, float, str, bool, type(None)))


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


def _result_lone_surrogate(value: dict, record: Record, loc: tuple[Any, ...] = ()) -> str | None:
    """Like serde_json: a lone surrogate fails in any field name of a record and in a known string
    field; inside the value of an unknown field (skipped unread) it passes."""
    stack = [(loc, value, record)]
    while stack:
        where, obj, kind = stack.pop()
        fields = _record_fields(kind)
        for key, sub in obj.items():
            escape = _lone_surrogate(key)
            if escape:
                return _surrogate_reason(where, escape, in_key=True)
            if key in fields and isinstance(sub, str):
                escape = _lone_surrogate(sub)
                if escape:
                    return _surrogate_reason(where + (key,), escape)
        stack.extend(reversed(list(_records_below(obj, kind, where))))
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
    try:
        # Exact: repeated keys are kept visible and `-0` stays distinct from 0.
        return json.loads(
            text,
            parse_constant=_reject_constant,
            parse_int=_parse_int if b"-0" in raw else None,
            object_pairs_hook=_pairs_to_dict,
        )
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


Record = type  # a record of the result format: a pydantic model or a TypedDict (RequestDetail)


def _record_fields(record: Record) -> dict[str, Any]:
    """Field name -> annotation of a model or a TypedDict."""
    if isinstance(record, type) and issubclass(record, BaseModel):
        return {name: info.annotation for name, info in record.model_fields.items()}
    return dict(record.__annotations__)


def _nested_record(annotation: Any) -> Record | None:
    """The record type inside an annotation (`list[X]`, `X | None`, `NotRequired[X]`), if any."""
    if isinstance(annotation, type) and (issubclass(annotation, BaseModel) or is_typeddict(annotation)):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _nested_record(arg)
        if found is not None:
            return found
    return None


def _records_below(value: dict, record: Record, loc: tuple[Any, ...]):
    """(location, object, record type) of every record nested in one record's known fields."""
    for name, annotation in _record_fields(record).items():
        inner = _nested_record(annotation)
        sub = value.get(name)
        if inner is None or sub is None:
            continue
        items = sub if isinstance(sub, list) else [sub]
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield loc + ((name, i) if isinstance(sub, list) else (name,)), item, inner


def _find_duplicate(value: Any, record: Record, loc: tuple[Any, ...] = ()) -> str | None:
    """Name the first known field given twice in any record (serde rejects those; a repeated
    unknown field is skipped unread and passes)."""
    stack = [(loc, value, record)] if isinstance(value, dict) else []
    while stack:
        where, obj, kind = stack.pop()
        if isinstance(obj, _DuplicateKeys):
            fields = _record_fields(kind)
            for key in obj.duplicates:
                if key in fields:
                    return f"{format_location(where + (key,))}: field given twice"
        stack.extend(reversed(list(_records_below(obj, kind, where))))
    return None


def result_from_value(value: Any) -> LoadTestResult:
    """Validate decoded JSON as a LoadTestResult. Raises ParseFailure."""
    if isinstance(value, list):
        if len(value) > len(FIELD_ORDER):
            raise ParseFailure(f"array form has {len(value)} elements, at most {len(FIELD_ORDER)} fields")
        value = dict(zip(FIELD_ORDER, value, strict=False))  # trailing fields keep defaults
    elif not isinstance(value, dict):
        raise ParseFailure(f"expected a JSON object, got {_describe(value)}")
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


def parse_result_fast_with_value(raw: bytes) -> tuple[LoadTestResult, dict] | None:
    """The common case in one step: the bytes parsed and validated as a result, with the
    decoded object (for fields the reference does not read).

    Returns None when the file needs the exact path (`decode_json`, then `result_from_value`):
    text the fast parser would read more leniently than serde_json (a BOM, `-0`, a repeated
    key, a lone surrogate escape) or anything it rejects (the exact path then words the
    reason, or accepts the array form)."""
    if raw.startswith(b"\xef\xbb\xbf") or _needs_exact_decoder(raw):
        return None
    try:
        value = pydantic_core.from_json(raw, allow_inf_nan=False)
        if not isinstance(value, dict) or _key_tokens(raw) != _keys_in(value):
            return None  # the array form, or a key that may be repeated: the exact path decides
        return LoadTestResult.model_validate(value), value
    except ValueError:  # pydantic's ValidationError, or bytes it cannot decode
        return None


def declared_text(value: object, key: str, limit: int = 200) -> str:
    """A short string (or whole number) field the reference does not read (`model`, `workload`,
    `tensor_parallel`, ...), as text, or ""."""
    found = value.get(key) if isinstance(value, dict) else None
    if isinstance(found, int) and not isinstance(found, bool):
        return str(found)
    return found.strip()[:limit] if isinstance(found, str) and not _lone_surrogate(found) else ""
