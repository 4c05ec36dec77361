"""Power and cold start over time on runtime and hardware pages, and history tables that keep
three significant digits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.site.charts import significant_format

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "examples" / "results" / "synthetic"


def figure(page: str, chart_id: str) -> dict:
    return json.loads(page.split(f'id="{chart_id}-figure">')[1].split("</script>")[0])


def telemetry_at_c1(runtime_prefix: str, hardware: str, field: str) -> dict[str, float]:
    """Run date -> the c=1 result's power draw (mean or max) from the files themselves."""
    out = {}
    for run in sorted((SYNTHETIC / hardware).iterdir()):
        path = run / f"{runtime_prefix}-{hardware.split('-')[0]}-c1.json"
        if path.is_file():
            out[run.name] = json.loads(path.read_text())["gpu_telemetry"]["power_draw_w"][field]
    return out


@pytest.mark.parametrize(("chart_id", "field"), [("chart-power-draw", "mean"), ("chart-power-peak", "max")])
def test_runtime_page_charts_power_draw_per_hardware_at_c1(example_site: Path, chart_id: str, field: str):
    page = (example_site / "runtimes" / "vllm" / "index.html").read_text(encoding="utf-8")
    assert (
        f'<h3 id="{chart_id}-title">Power draw, {"mean" if field == "mean" else "peak"} (c=1) by hardware'
        in page
    )
    traces = {t["name"]: t for t in figure(page, chart_id)["data"]}
    expected = telemetry_at_c1("vllm", "h100-sxm", field)
    h100 = next(t for name, t in traces.items() if name.startswith("H100"))
    assert dict(zip(h100["x"], h100["y"], strict=True)) == pytest.approx(expected, rel=1e-5)


def test_runtime_page_charts_power_efficiency_and_cold_start(example_site: Path):
    page = (example_site / "runtimes" / "vllm" / "index.html").read_text(encoding="utf-8")
    for chart_id in ("chart-power", "chart-cold-start"):
        traces = figure(page, chart_id)["data"]
        assert sum(len(t["y"]) for t in traces) >= 8, chart_id  # eight weekly runs on each target


def test_a_runtime_without_telemetry_says_so_instead_of_an_empty_chart(tools_site: Path):
    page = (tools_site / "runtimes" / "llamacpp-gpu" / "index.html").read_text(encoding="utf-8")
    assert "No power telemetry in this runtime&#39;s runs." in page
    assert "No cold-start measurement in this runtime&#39;s runs." in page
    assert 'id="chart-power-draw-figure"' not in page and 'id="chart-cold-start-figure"' not in page


def test_a_run_without_results_draws_no_empty_chart(tools_site: Path):
    # The SGLang rate sweep has no result at a concurrency level: no TTFT-by-level chart.
    page = (tools_site / "runs" / "h100" / "2025-01-10-sglang" / "index.html").read_text(encoding="utf-8")
    assert 'id="chart-latency"' not in page and 'id="chart-scaling"' not in page


def test_history_tables_keep_three_significant_digits(example_site: Path):
    assert significant_format([0.093, 0.112]) == ",.4f"
    assert significant_format([1725.5, 900.0]) == ",.0f"
    assert significant_format([4.13, 20.5]) == ",.2f"
    page = (example_site / "hardware" / "h100-sxm" / "index.html").read_text(encoding="utf-8")
    table = page.split('id="chart-energy-data"')[1].split("</table>")[0]
    # vLLM's energy per token is about 0.09 J: four decimals, never "0.1".
    assert "0.0922" in table  # vLLM on 2026-01-05 (examples/generate.py's telemetry)
    assert ">0.1<" not in table


def test_power_draw_is_charted_but_never_a_change(example_site: Path):
    page = (example_site / "hardware" / "h100-sxm" / "index.html").read_text(encoding="utf-8")
    assert 'id="chart-power-draw-figure"' in page and 'id="chart-power-peak-figure"' in page
    traces = {t["name"]: t for t in figure(page, "chart-power-peak")["data"]}
    expected = telemetry_at_c1("vllm", "h100-sxm", "max")
    assert dict(zip(traces["vLLM"]["x"], traces["vLLM"]["y"], strict=True)) == pytest.approx(
        expected, rel=1e-5
    )
    changes = page.split('id="changes-table"')[1].split("</table>")[0]
    assert "Power draw" not in changes
