"""One colour (and legend position) per runtime on every chart of the site.

Colours come from the Okabe-Ito palette, which stays distinguishable for the
common colour-vision deficiencies, in the order runtimes are listed (site.toml's
first, then the others by id), so a runtime's colour does not depend on which
page shows it or which other runtimes share the chart. Past eight runtimes the
palette repeats with dotted lines. `[[runtime]] color` in site.toml overrides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..catalog.model import HardwareTarget, RuntimeInfo

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442")
DASHES = ("solid", "dot", "dash", "dashdot")


@dataclass(frozen=True, slots=True)
class Style:
    colour: str
    dash: str
    order: int  # legend position


@dataclass(frozen=True, slots=True)
class Styles:
    """The style of every runtime (and, for runtime pages, every hardware target)."""

    runtimes: Mapping[str, Style]
    hardware: Mapping[str, Style]

    @classmethod
    def of(cls, runtimes: Sequence[RuntimeInfo], hardware: Sequence[HardwareTarget]) -> Styles:
        return cls(
            {r.id: _style(i, r.config.color) for i, r in enumerate(runtimes)},
            {h.id: _style(i, "") for i, h in enumerate(hardware)},
        )

    def runtime(self, runtime_id: str) -> Style:
        return self.runtimes.get(runtime_id) or _style(len(self.runtimes), "")

    def hardware_style(self, hardware_id: str) -> Style:
        return self.hardware.get(hardware_id) or _style(len(self.hardware), "")


def _style(index: int, configured: str) -> Style:
    colour = configured or OKABE_ITO[index % len(OKABE_ITO)]
    return Style(colour, DASHES[(index // len(OKABE_ITO)) % len(DASHES)], index)
