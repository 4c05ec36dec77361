"""site.toml: one pydantic model tree, strict types, unknown keys rejected, a default for every key.

With no site.toml at all, sitegen reads `results/` and writes `_site/`.
Every validation error is reported as `site.toml: <key path>: <reason>`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError, format_location
from .scoring.contract import DEFAULT_CONTRACT, MetricThreshold, ScoringContract

# Lowercase letters of any script, digits, '.', '_' and '-' (what catalog.resolve.slug makes).
Identifier = Annotated[
    str,
    Field(pattern=r"^[\p{Ll}\p{Lo}\p{Lm}\p{N}][\p{Ll}\p{Lo}\p{Lm}\p{M}\p{N}._-]*$", max_length=80),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class HardwareConfig(_Strict):
    id: Identifier = Field(description="Stable id; becomes the URL of the hardware page.")
    name: str = Field("", description="Display name; defaults to the id.")
    description: str = Field("", description="A sentence or two shown on the hardware page.")
    specs: dict[str, str] = Field(
        default_factory=dict, description="Free descriptive fields, e.g. GPU, memory, power limit."
    )
    match: list[str] = Field(
        default_factory=list,
        description="Glob patterns (case-insensitive) tried on the run path, then on runtime names.",
    )
    gpus: int = Field(1, ge=1, description="GPUs the results were measured on: throughput is per GPU.")
    price_per_hour: float | None = Field(
        None, gt=0, description="What the machine costs per hour, in `currency`, for cost per token."
    )

    @property
    def display_name(self) -> str:
        return self.name or self.id


class RuntimeConfig(_Strict):
    id: Identifier = Field(description="Canonical runtime id; becomes the URL of the runtime page.")
    name: str = Field("", description="Display name; defaults to the id.")
    homepage: str = Field("", description="Project homepage, linked from the runtime page.")
    match: list[str] = Field(
        default_factory=list, description="Glob patterns (case-insensitive) tried on runtime_name."
    )
    color: str = Field(
        "", pattern=r"^(#[0-9a-fA-F]{6})?$", description="The runtime's colour on every chart, e.g. #0072B2."
    )

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @field_validator("homepage")
    @classmethod
    def _http_only(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// or http://")
        return value


class ModelConfig(_Strict):
    """A model the results were measured with; results of different models are never ranked together."""

    id: Identifier = Field(description="Stable id, e.g. qwen2.5-coder-7b.")
    name: str = Field("", description="Display name; defaults to the id.")
    match: list[str] = Field(
        default_factory=list,
        description="Glob patterns (case-insensitive) tried on the run path, then on runtime names.",
    )

    @property
    def display_name(self) -> str:
        return self.name or self.id


class QualityConfig(_Strict):
    """When a measurement is flagged (methodology page, "Measurement validity")."""

    max_error_rate: float = Field(
        0.05, ge=0, le=1, description="Above this share of failed requests a result is unreliable."
    )
    min_requests: int = Field(5, ge=0, description="Fewer successful requests than this: few samples.")
    stale_after_days: int = Field(
        90, ge=0, description="Standings entries this much older than the target's newest run are stale."
    )


class SloConfig(_Strict):
    """A latency target: a level meets it when its p99 TTFT and p99 TPOT are both within."""

    name: str = Field(min_length=1, max_length=40, description="e.g. interactive")
    ttft_p99_ms: float = Field(gt=0, description="Largest p99 time to first token, ms.")
    tpot_p99_ms: float = Field(gt=0, description="Largest p99 time per output token, ms.")


# MLPerf Inference's llama2-70b latency constraints.
DEFAULT_SLOS = (
    SloConfig(name="interactive", ttft_p99_ms=450.0, tpot_p99_ms=40.0),
    SloConfig(name="server", ttft_p99_ms=2000.0, tpot_p99_ms=200.0),
)


class ThresholdOverride(_Strict):
    excellent: float | None = None
    good: float | None = None
    higher_is_better: bool | None = None


class GradeBand(_Strict):
    min: float = Field(description="Lowest composite score of the band.")
    label: str


class ScoringConfig(_Strict):
    """Overrides of the scoring contract; anything left out keeps the reference value."""

    thresholds: dict[str, ThresholdOverride] = Field(default_factory=dict)
    interactive_weights: dict[str, float] | None = None
    throughput_weights: dict[str, float] | None = None
    best_in_class_bonus: Annotated[int, Field(ge=0, le=100)] | None = None
    grades: list[GradeBand] | None = None

    @field_validator("thresholds")
    @classmethod
    def _known_metrics(cls, value: dict[str, ThresholdOverride]) -> dict[str, ThresholdOverride]:
        unknown = sorted(set(value) - set(DEFAULT_CONTRACT.thresholds))
        if unknown:
            known = ", ".join(sorted(DEFAULT_CONTRACT.thresholds))
            raise ValueError(f"unknown metric {unknown[0]!r}; known metrics: {known}")
        return value

    @field_validator("interactive_weights", "throughput_weights")
    @classmethod
    def _weights_sum_to_one(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is None:
            return value
        unknown = sorted(set(value) - set(DEFAULT_CONTRACT.thresholds))
        if unknown:
            raise ValueError(f"unknown metric {unknown[0]!r}")
        if any(w < 0 or not math.isfinite(w) for w in value.values()):
            raise ValueError("weights must be finite and not negative")
        if abs(sum(value.values()) - 1.0) > 1e-9:
            raise ValueError(f"weights must sum to 1, they sum to {sum(value.values()):g}")
        return value

    @field_validator("grades")
    @classmethod
    def _descending(cls, value: list[GradeBand] | None) -> list[GradeBand] | None:
        if value is not None:
            if not value:
                raise ValueError("needs at least one band")
            mins = [band.min for band in value]
            if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
                raise ValueError("bands must be listed from the highest minimum to the lowest")
        return value

    def contract(self) -> ScoringContract:
        base = DEFAULT_CONTRACT
        thresholds = dict(base.thresholds)
        for metric, override in self.thresholds.items():
            old = thresholds[metric]
            thresholds[metric] = MetricThreshold(
                override.excellent if override.excellent is not None else old.excellent,
                override.good if override.good is not None else old.good,
                override.higher_is_better if override.higher_is_better is not None else old.higher_is_better,
            )
        changed = self.model_fields_set - {"thresholds"} or self.thresholds
        return ScoringContract(
            thresholds=thresholds,
            interactive_weights=self.interactive_weights or base.interactive_weights,
            throughput_weights=self.throughput_weights or base.throughput_weights,
            best_in_class_bonus=(
                self.best_in_class_bonus if self.best_in_class_bonus is not None else base.best_in_class_bonus
            ),
            grades=tuple((b.min, b.label) for b in self.grades) if self.grades else base.grades,
            version=base.version + ("+site" if changed else ""),
        )


class SiteConfig(_Strict):
    title: str = Field("LLM inference benchmarks", description="Site title, shown on every page.")
    description: str = Field(
        "Scorecards of LLM inference runtimes across hardware.", description="One-line site description."
    )
    base_url: str = Field("", description="Absolute URL the site is published at; used for canonical links.")
    results: list[str] = Field(
        default_factory=lambda: ["results"], description="Results roots, relative to site.toml."
    )
    output: str = Field("_site", description="Output directory, relative to site.toml.")
    allow_results_outside: bool = Field(
        False,
        description="Read results roots whose real path lies outside the folder of site.toml "
        "(a root that is a link to elsewhere is refused otherwise: a contributor could commit one).",
    )
    source_url: str = Field(
        "",
        description="Where the results repository's files can be read online, as a template: "
        "{repository}, {commit} and {path} are filled in (for GitHub: "
        "https://github.com/{repository}/blob/{commit}/{path}). Run pages then link each source file "
        "there instead of copying it into the site; the GitHub Action passes the repository and commit.",
    )
    source_repository: str = Field(
        "",
        description="{repository} of source_url (owner/name); `sitegen build --source-repository` sets it.",
    )
    source_commit: str = Field(
        "", description="{commit} of source_url (the commit built); `sitegen build --source-commit` sets it."
    )
    theme: str = Field("", description="A directory whose templates/ and static/ override the default theme.")
    max_file_mb: float = Field(64.0, gt=0, description="Files larger than this are skipped unread.")
    preview_images: bool = Field(
        True, description="Draw PNG link-preview cards for runs and hardware targets (needs Pillow)."
    )
    hardware: list[HardwareConfig] = Field(default_factory=list, description="Hardware targets.")
    runtime: list[RuntimeConfig] = Field(default_factory=list, description="Canonical runtimes.")
    model: list[ModelConfig] = Field(default_factory=list, description="Models, matched like hardware.")
    scoring: ScoringConfig = Field(default_factory=ScoringConfig, description="Scoring contract overrides.")
    quality: QualityConfig = Field(default_factory=QualityConfig, description="Measurement validity rules.")
    slo: list[SloConfig] = Field(
        default_factory=lambda: list(DEFAULT_SLOS), description="Latency targets for the leaderboards."
    )
    currency: str = Field("USD", min_length=1, max_length=8, description="Currency of price_per_hour.")
    reference_interactivity: float = Field(
        20.0, gt=0, description="tok/s per user at which throughput per GPU is charted over time."
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> SiteConfig:
        names = [slo.name for slo in self.slo]
        if len(set(names)) != len(names):
            raise ValueError("slo names must differ")
        for kind, items in (("hardware", self.hardware), ("runtime", self.runtime), ("model", self.model)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"{kind} id {item.id!r} is used twice")
                seen.add(item.id)
        return self

    @field_validator("source_url")
    @classmethod
    def _source_template(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an absolute http(s) URL")
        if value and "{path}" not in value:
            raise ValueError("must hold {path}, where each file's path goes")
        return value

    @field_validator("source_repository")
    @classmethod
    def _repository(cls, value: str) -> str:
        if value and not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", value):
            raise ValueError("must be owner/name")
        return value

    @field_validator("source_commit")
    @classmethod
    def _commit(cls, value: str) -> str:
        if value and (not re.fullmatch(r"[A-Za-z0-9_./-]{1,200}", value) or ".." in value):
            raise ValueError("must be a commit id or a branch or tag name")
        return value

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an absolute http(s) URL")
        return value


def with_source(config: LoadedConfig, repository: str | None, commit: str | None) -> LoadedConfig:
    """The configuration with source_url's repository and commit given on the command line."""
    given = {k: v for k, v in (("source_repository", repository), ("source_commit", commit)) if v is not None}
    if not given:
        return config
    try:
        site = SiteConfig.model_validate(config.site.model_dump() | given)
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise ConfigError(str(problem["msg"]), "--" + str(problem["loc"][0]).replace("_", "-")) from None
    return config.model_copy(update={"site": site})


def build_day() -> dt.date:
    """The build's date, in UTC: SOURCE_DATE_EPOCH's when set (as reproducible builds set it),
    else today's. A result dated after it (and a day) is an error (catalog/build.py)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise ConfigError("not a number of seconds since 1970", "SOURCE_DATE_EPOCH") from None
    return dt.datetime.now(dt.UTC).date()


class LoadedConfig(BaseModel):
    """The validated configuration, the directory its relative paths start from, and the
    build's date."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    site: SiteConfig
    base_dir: Path
    source: Path | None
    today: dt.date = Field(default_factory=build_day)

    @property
    def result_roots(self) -> list[Path]:
        return [self.base_dir / root for root in self.site.results]

    @property
    def output_dir(self) -> Path:
        return self.base_dir / self.site.output

    @property
    def contract(self) -> ScoringContract:
        return self.site.scoring.contract()


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing required key"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def parse_config(text: str, name: str = "site.toml") -> SiteConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", name) from None
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        loc = tuple(p for p in error["loc"] if p not in ("function-after",))
        where = f"{format_location(loc)}: " if loc else ""
        raise ConfigError(f"{where}{_message(error)}", name) from None


def load_config(path: Path | None = None, cwd: Path | None = None) -> LoadedConfig:
    """Read `path` (or ./site.toml when present); without one, every key takes its default."""
    cwd = cwd or Path.cwd()
    if path is None:
        candidate = cwd / "site.toml"
        if not candidate.is_file():
            return LoadedConfig(site=SiteConfig(), base_dir=cwd, source=None)
        path = candidate
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", path) from None
    site = parse_config(text, str(path))
    return LoadedConfig(site=site, base_dir=path.resolve().parent, source=path)
