"""The `sitegen` command line: wiring only; the work lives in library functions.

Each command imports the modules it needs when it runs: `sitegen build` on an up-to-date
site must not load what reads runs or draws pages, nor `sitegen score` what builds sites.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from .errors import SitegenError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Publish LLM inference benchmark results as a static site.",
)


@app.callback()
def _root() -> None:
    """Publish LLM inference benchmark results as a static site."""


class DocumentFormat(StrEnum):
    """How `score` and `compare` write: aligned text, markdown, or JSON."""

    table = "table"
    markdown = "markdown"
    json = "json"


def _fail(message: str) -> NoReturn:
    _exit_failing(f"error: {message}")


def _exit_failing(message: str) -> NoReturn:
    """A check the user asked for failed (or the command could not run): one line, exit 1."""
    from .safetext import printable

    typer.echo(printable(message), err=True)
    raise typer.Exit(1)


@contextmanager
def _reporting_errors() -> Iterator[None]:
    """A SitegenError as one line on stderr and exit 1: never a traceback."""
    try:
        yield
    except SitegenError as exc:
        _fail(str(exc))


@app.command()
def score(
    directory: Annotated[
        Path, typer.Argument(help="A directory of result JSON files (not searched recursively).")
    ],
    format: Annotated[
        DocumentFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DocumentFormat.table,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency", "-c", min=0, help="Only this concurrency level in the per-level sections."
        ),
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--platform", help="Only results whose runtime_name contains this text.")
    ] = None,
    fail_on_grade: Annotated[
        str | None,
        typer.Option("--fail-on-grade", help="Exit 1 when any composite score is below this grade's band."),
    ] = None,
) -> None:
    """Score one directory of results and print every scorecard."""
    from .catalog.directory import load_directory
    from .document import score_document, score_json
    from .scoring.contract import DEFAULT_CONTRACT
    from .scoring.report import render_text, score_results

    contract = DEFAULT_CONTRACT
    floor = None
    if fail_on_grade is not None:
        bands = {label: minimum for minimum, label in contract.grades}
        if fail_on_grade not in bands:
            _fail(f"--fail-on-grade: unknown grade {fail_on_grade!r}; use one of {', '.join(bands)}")
        floor = bands[fail_on_grade]
    if not directory.is_dir():
        _fail(f"{directory}: not a directory")
    with _reporting_errors():
        load = load_directory(directory)
    # Names and reasons are written as the reference writes them, but for what a terminal or a
    # CI log would act on (control characters, workflow commands): safetext.printable. JSON
    # keeps every string (it escapes them in its own way); text and markdown show the names
    # escaped, so the names are escaped before the document is laid out.
    from .safetext import printable, printable_json, printable_lines

    shown = load if format is DocumentFormat.json else load.printable(printable)
    report = score_results(
        shown.loaded,
        contract,
        concurrency=concurrency,
        platform=platform,
        training=[step.to_input() for _, step in shown.training],
    )
    if format is DocumentFormat.json:
        document = score_document(load.loaded, load.skipped, [name for name, _ in load.training], report)
        typer.echo(printable_json(score_json(document)), nl=False)
    else:
        for name, reason in load.skipped:
            typer.echo(printable(f"skipped {name}: {reason}"), err=True)
        if not load.loaded and not load.training:
            typer.echo(printable(f"No result files found in {directory}"))
        else:
            typer.echo(printable_lines(render_text(report, markdown=format is DocumentFormat.markdown)))
    if floor is not None:
        below = [
            (c, rt.name, rt.composite)
            for c, card in report.composite.items()
            for rt in card.runtimes
            if rt.composite < floor
        ]
        if below:
            c, name, value = below[0]
            _exit_failing(
                f"{len(below)} composite score(s) below {fail_on_grade} ({floor:g}); "
                f"first: {name} at c={c} scored {value:g}"
            )


ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Path to site.toml (default: ./site.toml when present).")
]


FailOnRegressionOption = Annotated[
    bool, typer.Option("--fail-on-regression", help="Exit 1 when a change beyond noise is for the worse.")
]


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@app.command()
def check(
    config: ConfigOption = None,
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = CheckFormat.text,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 on any error (a rejected result, a refused link or results root, a date "
            "after the build, a planted build marker, ...) or flagged measurement (invalid, "
            "unreliable, few samples).",
        ),
    ] = False,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            help="With --format github: only the problems of the runs and files that "
            "`git diff BASE...HEAD` touches.",
        ),
    ] = None,
) -> None:
    """Read every results root and report what was found, how it was resolved, and every problem
    (`--format github`: as workflow commands, which annotate the files of a pull request)."""
    from .catalog.build import build_catalog
    from .check import check_document, check_text, with_output_problems
    from .config import load_config

    if base is not None and format is not CheckFormat.github:
        _fail("--base goes with --format github (annotations of a pull request's files)")
    with _reporting_errors():
        loaded = load_config(config)
        catalog = with_output_problems(build_catalog(loaded), loaded)
        from .review.changed import changed_runs

        changes = changed_runs(catalog, loaded.base_dir, base) if base is not None else None
    if format is CheckFormat.json:
        from .safetext import printable_json

        typer.echo(printable_json(json.dumps(check_document(catalog), indent=2, ensure_ascii=False)))
    elif format is CheckFormat.github:
        from .review.github import annotations

        for line in annotations(catalog, loaded.base_dir, Path.cwd(), changes):
            typer.echo(line)
    else:
        from .safetext import printable

        for line in check_text(catalog):
            typer.echo(printable(line))
    if strict and (catalog.rejected_results or catalog.flagged_results):
        _exit_failing(
            f"--strict: {catalog.rejected_results} error(s) (files that look like results rejected, links "
            "refused, dates after the build, ...: listed above); "
            f"{catalog.flagged_results} flagged measurement(s)"
        )


@app.command()
def compare(
    a: Annotated[
        str, typer.Argument(help="The earlier run: its id (folder relative to its results root) or folder.")
    ],
    b: Annotated[str, typer.Argument(help="The later run, likewise.")],
    config: ConfigOption = None,
    format: Annotated[
        DocumentFormat, typer.Option("--format", "-f", help="Output format.")
    ] = DocumentFormat.table,
    runtime: Annotated[
        str | None, typer.Option("--runtime", help="Only this runtime (its canonical id).")
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Every value in both runs, not only the changes beyond noise.")
    ] = False,
    fail_on_regression: FailOnRegressionOption = False,
) -> None:
    """Compare two runs value by value, as the site's compare view does: the summary line first."""
    from .catalog.build import build_catalog
    from .config import load_config
    from .review.changed import find_run
    from .review.compare import compare_runs
    from .review.formats import as_json, as_markdown, as_table

    with _reporting_errors():
        loaded = load_config(config)
        catalog = build_catalog(loaded)
        run_a, run_b = find_run(catalog, a), find_run(catalog, b)
        comparison = compare_runs(
            catalog, loaded.contract.thresholds, run_a, run_b, {runtime} if runtime else None
        )
    from .safetext import printable_json, printable_lines

    write, for_log = {
        DocumentFormat.table: (as_table, printable_lines),
        DocumentFormat.markdown: (as_markdown, printable_lines),
        DocumentFormat.json: (as_json, printable_json),
    }[format]
    typer.echo(for_log(write(comparison, everything)), nl=False)
    if fail_on_regression and comparison.regressions:
        _exit_failing(
            f"--fail-on-regression: {len(comparison.regressions)} change(s) beyond noise for the worse"
        )


@app.command()
def report(
    runs: Annotated[
        list[str] | None, typer.Argument(help="Runs to report (ids or folders); default: those --base finds.")
    ] = None,
    config: ConfigOption = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base", help="Git revision the change is compared with: runs of `git diff BASE...HEAD`."
        ),
    ] = None,
    head: Annotated[str, typer.Option("--head", help="Git revision of the change.")] = "HEAD",
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Where the site is published (links); default: site.toml's."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the markdown here instead of printing it.")
    ] = None,
    fail_on_regression: FailOnRegressionOption = False,
    fail_on_invalid: Annotated[
        bool,
        typer.Option(
            "--fail-on-invalid",
            help="Exit 1 when a reported run has an invalid measurement or a rejected file.",
        ),
    ] = False,
) -> None:
    """Markdown for a pull-request comment: each added or changed run's numbers, problems and
    comparison with the previous run of each runtime on the same machine."""
    from .catalog.build import build_catalog
    from .config import load_config
    from .review.changed import changed_runs, named_runs
    from .review.report import ReportWriter

    if not runs and base is None:
        _fail("name the runs to report, or give --base REV to find those a change adds or edits")
    with _reporting_errors():
        loaded = load_config(config)
        catalog = build_catalog(loaded)
        changes = named_runs(catalog, runs) if runs else changed_runs(catalog, loaded.base_dir, base, head)
        url = loaded.site.base_url if base_url is None else base_url
        writer = ReportWriter(catalog, loaded.contract.thresholds, loaded.site.slo, url, loaded.base_dir)
        done = writer.report(changes)
    if output is None:
        from .safetext import printable_lines

        typer.echo(printable_lines(done.markdown), nl=False)
    else:
        try:
            output.write_text(done.markdown, encoding="utf-8")
        except OSError as exc:
            _fail(f"{output}: cannot write the report: {exc.strerror or exc}")
    failures = []
    if fail_on_regression and done.regressions:
        failures.append(f"{done.regressions} change(s) beyond noise for the worse")
    if fail_on_invalid and done.invalid:
        failures.append(f"{done.invalid} invalid measurement(s) or rejected file(s)")
    if failures:
        _exit_failing("report: " + "; ".join(failures))


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter configuration.")] = Path(
        "site.toml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a commented starter site.toml."""
    from .starter import STARTER_SITE_TOML

    if path.exists() and not force:
        _fail(f"{path} already exists; use --force to replace it")
    try:
        path.write_text(STARTER_SITE_TOML, encoding="utf-8")
    except OSError as exc:
        _fail(f"{path}: cannot write: {exc.strerror or exc}")
    typer.echo(f"wrote {path}")


OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="Output directory (default: from site.toml, _site).")
]


def _progress(message: str) -> None:
    from .safetext import printable

    typer.echo(f"  {printable(message)}", err=True)


def _say(message: str) -> None:
    """A line of `serve` (its rebuilds' results and failures name files), as one printable line."""
    from .safetext import printable

    typer.echo(printable(message))


@app.command()
def build(
    config: ConfigOption = None,
    out: OutOption = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Absolute URL the site is served at (canonical links, sitemap)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when nothing changed.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Processes to build with (default: every core)."),
    ] = None,
    source_repository: Annotated[
        str | None,
        typer.Option("--source-repository", help="{repository} of site.toml's source_url (owner/name)."),
    ] = None,
    source_commit: Annotated[
        str | None,
        typer.Option("--source-commit", help="{commit} of site.toml's source_url (the commit built)."),
    ] = None,
) -> None:
    """Build the static site from every results root."""
    from .config import load_config, with_source
    from .site.build import build_site

    with _reporting_errors():
        loaded = with_source(load_config(config), source_repository, source_commit)
        summary = build_site(loaded, out, base_url, _progress, force=force, workers=jobs)
    typer.echo(summary.line())


@app.command()
def serve(
    config: ConfigOption = None,
    out: OutOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (localhost only by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0 picks a free one).")] = 8000,
    watch: Annotated[
        bool,
        typer.Option("--watch", help="Rebuild when results, templates, static files or site.toml change."),
    ] = False,
) -> None:
    """Serve the built site (building it first when missing)."""
    from .config import load_config
    from .site.serve import serve_site

    with _reporting_errors():
        serve_site(load_config(config), out, host, port, watch, _progress, _say)


def main() -> None:
    """Entry point: run the app; a SitegenError becomes one line on stderr and exit 1."""
    try:
        app()
    except SitegenError as exc:
        from .safetext import printable

        typer.echo(f"error: {printable(str(exc))}", err=True)
        sys.exit(1)
