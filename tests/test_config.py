"""site.toml: defaults, strict validation with the key named, scoring overrides, `sitegen init`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitegen.cli import app
from sitegen.config import load_config, parse_config
from sitegen.errors import ConfigError
from sitegen.scoring.contract import DEFAULT_CONTRACT


def test_no_site_toml_means_defaults(tmp_path: Path):
    loaded = load_config(cwd=tmp_path)
    assert loaded.source is None
    assert loaded.result_roots == [tmp_path / "results"]
    assert loaded.output_dir == tmp_path / "_site"
    assert loaded.contract == DEFAULT_CONTRACT


@pytest.mark.parametrize(
    "text, message",
    [
        ("titel = 'x'", "site.toml: titel: unknown key"),
        ("title = 3", "site.toml: title: Input should be a valid string"),
        ("results = 'results'", "site.toml: results: Input should be a valid list"),
        ("[[hardware]]\nid = 'a'\ngpu = 'x'", "site.toml: hardware[0].gpu: unknown key"),
        ("[[hardware]]\nname = 'A'", "site.toml: hardware[0].id: missing required key"),
        ("[[hardware]]\nid = 'a'\n[[hardware]]\nid = 'a'", "site.toml: hardware id 'a' is used twice"),
        ("[[runtime]]\nid = 'Bad Id'", "site.toml: runtime[0].id: String should match pattern"),
        (
            "[[runtime]]\nid = 'x'\nhomepage = 'javascript:alert(1)'",
            "site.toml: runtime[0].homepage: must start with",
        ),
        (
            "[scoring.interactive_weights]\ndecode_tok_s = 1.5",
            "site.toml: scoring.interactive_weights: weights must sum to 1",
        ),
        ("[scoring.thresholds.speed]\ngood = 1", "site.toml: scoring.thresholds: unknown metric 'speed'"),
        (
            "[scoring]\ngrades = [{min = 50, label = 'C'}, {min = 90, label = 'A'}]",
            "site.toml: scoring.grades: bands must be listed from the highest minimum to the lowest",
        ),
        ("title = ", "site.toml: not valid TOML:"),
    ],
)
def test_errors_name_the_key(text: str, message: str):
    with pytest.raises(ConfigError) as exc:
        parse_config(text)
    assert str(exc.value).startswith(message)
    assert "\n" not in str(exc.value)


def test_scoring_overrides_build_the_contract():
    site = parse_config(
        "[scoring]\nbest_in_class_bonus = 0\n"
        "[scoring.thresholds.decode_tok_s]\nexcellent = 200\n"
        "[[scoring.grades]]\nmin = 50\nlabel = 'pass'\n[[scoring.grades]]\nmin = 0\nlabel = 'fail'\n"
    )
    contract = site.scoring.contract()
    assert contract.best_in_class_bonus == 0
    assert (
        contract.thresholds["decode_tok_s"].excellent == 200
        and contract.thresholds["decode_tok_s"].good == 120
    )
    assert contract.thresholds["ttft_p50_ms"] == DEFAULT_CONTRACT.thresholds["ttft_p50_ms"]
    assert contract.grades == ((50.0, "pass"), (0.0, "fail"))
    assert contract.version == "2.0.0+site"


def test_bad_config_is_one_line_exit_1(tmp_path: Path, monkeypatch):
    (tmp_path / "site.toml").write_text("[[hardware]]\nid = 'x'\nmatch = 'x*'\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 1
    assert (
        result.stderr == f"error: {tmp_path / 'site.toml'}: hardware[0].match: Input should be a valid list\n"
    )


def test_init_writes_a_starter_that_parses_and_never_overwrites(tmp_path: Path):
    target = tmp_path / "site.toml"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(target)]).exit_code == 0
    site = parse_config(target.read_text())
    assert site.results == ["results"] and site.output == "_site"
    # Every commented example parses too, with the documented defaults of [quality].
    uncommented = "\n".join(
        line[2:].split("  #")[0] if line.startswith("# ") and "=" in line or line.startswith("# [") else line
        for line in target.read_text().splitlines()
    )
    full = parse_config(uncommented)
    assert full.quality.max_error_rate == 0.05 and full.quality.min_requests == 5
    assert full.quality.stale_after_days == 90 and full.model[0].id == "qwen2.5-coder-7b"
    target.write_text("title = 'mine'\n")
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert target.read_text() == "title = 'mine'\n"
    nowhere = runner.invoke(app, ["init", str(tmp_path / "missing" / "site.toml")])
    assert nowhere.exit_code == 1 and nowhere.stderr.endswith("cannot write: No such file or directory\n")


def test_every_site_toml_key_is_documented_in_the_readme_and_the_starter():
    from sitegen.config import SiteConfig
    from sitegen.starter import STARTER_SITE_TOML

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## site.toml") : readme.index("## Command line")]
    for key in SiteConfig.model_fields:
        assert f"`{key}`" in table or f"`[{key}]`" in table or f"`[[{key}]]`" in table, key
        assert key in STARTER_SITE_TOML, key
