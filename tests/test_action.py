"""The GitHub Action (action.yml) and the example workflow that uses it: well-formed, safe, and
their shell steps doing what they say when run here on a fixture repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import review_repo as repo_kit
import yaml
from typer.testing import CliRunner

from sitegen.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    return load(ROOT / "action.yml")


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load(ROOT / "examples" / "workflows" / "benchmarks.yml")


def steps(action: dict[str, Any]) -> list[dict[str, Any]]:
    return action["runs"]["steps"]


def step(action: dict[str, Any], name: str) -> dict[str, Any]:
    """A step by its id, its name or the action it uses."""
    return next(s for s in steps(action) if name in (s.get("id"), s.get("name"), s.get("uses")))


def test_action_metadata_has_what_github_requires(action):
    # The action metadata schema: name, description and runs are required; a composite action's
    # steps each either run (with a shell) or use an action, never both.
    assert isinstance(action["name"], str) and isinstance(action["description"], str)
    assert action["runs"]["using"] == "composite"
    allowed = {
        "name",
        "id",
        "if",
        "run",
        "shell",
        "env",
        "uses",
        "with",
        "working-directory",
        "continue-on-error",
    }
    for s in steps(action):
        assert set(s) <= allowed, s
        assert ("run" in s) != ("uses" in s), s
        if "run" in s:
            assert s["shell"] == "bash", s
        else:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", s["uses"]), s["uses"]  # a released major version
    for name, spec in action["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name)
        assert spec["description"] and "default" in spec and isinstance(spec["default"], str)
    for spec in action["outputs"].values():
        assert spec["description"] and "value" in spec
    assert set(action["inputs"]) >= {"config", "base-url", "fail-on-regression", "fail-on-invalid"}


def test_action_expressions_name_declared_inputs_and_steps(action):
    ids = {s["id"] for s in steps(action) if "id" in s}
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    for expression in EXPRESSION.findall(text):
        for name in re.findall(r"\binputs\.([\w-]+)", expression):
            assert name in action["inputs"], expression
        for name in re.findall(r"\bsteps\.([\w-]+)\.", expression):
            assert name in ids, expression


def test_no_expression_is_pasted_into_a_shell_script(action):
    # Inputs and event fields reach scripts as environment variables, never as text spliced into
    # the script, where a branch name or an input could run as a command.
    for s in steps(action):
        assert "${{" not in s.get("run", ""), s.get("name")


def test_action_calls_commands_and_options_that_exist(action):
    called = set()
    for s in steps(action):
        script = s.get("run", "")
        commands = re.findall(r"\bsitegen (\w+)", script)
        if not commands:
            continue
        [command] = set(commands)  # one sitegen command per step
        called.add(command)
        help_text = CliRunner().invoke(app, [command, "--help"], terminal_width=200).output
        # Every option the step passes, in the command line or in the arrays it builds.
        lines = [line for line in script.splitlines() if not line.strip().startswith(("git ", "echo "))]
        for option in re.findall(r"(?<![\w-])--[a-z][a-z-]+", "\n".join(lines)):
            assert option in help_text, (command, option)
    assert called == {"check", "build", "report"}


def test_one_comment_per_pull_request_edited_in_place(action):
    comment = step(action, "Comment on the pull request")
    script = comment["with"]["script"]
    assert comment["uses"].startswith("actions/github-script@")
    assert "updateComment" in script and "createComment" in script and "paginate" in script
    assert comment["with"]["github-token"] == "${{ inputs.token }}"
    assert action["inputs"]["token"]["default"] == "${{ github.token }}"
    upload = step(action, "Upload the Pages artifact")
    assert "default_branch" in upload["if"] and "pull_request" in upload["if"]


def test_example_workflow_uses_the_action_as_documented(action, workflow):
    assert set(workflow["on"]) >= {"pull_request", "push"}
    assert workflow["permissions"]["pull-requests"] == "write"
    # The job that builds a pull request's results cannot publish: only the deploy job may.
    assert "pages" not in workflow["permissions"] and "id-token" not in workflow["permissions"]
    assert "permissions" not in workflow["jobs"]["site"]
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    site = workflow["jobs"]["site"]["steps"]
    checkout = next(s for s in site if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # git diff BASE...HEAD needs the base branch
    uses = next(s for s in site if re.fullmatch(r"[\w.-]+/sitegen@[\w.-]+", s.get("uses", "")))
    assert set(uses["with"]) <= set(action["inputs"])
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "site" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "examples/workflows/benchmarks.yml" in readme and "action.yml" in readme


def test_the_pages_workflow_publishes_from_the_deploy_job_only():
    pages = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    assert pages["permissions"] == {"contents": "read"}
    assert "permissions" not in pages["jobs"]["build"]
    assert pages["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_the_action_installs_every_package(action):
    # The action installs sitegen from its checkout (not editable): a package missing from
    # pyproject.toml would be missing there.
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "sitegen").rglob("__init__.py")
    }
    assert found <= listed, found - listed
    assert '"$GITHUB_ACTION_PATH"' in step(action, "Install sitegen")["run"]


def run_step(
    action: dict[str, Any], name: str, repo: Path, tmp: Path, **env: str
) -> subprocess.CompletedProcess:
    """Run a `run` step of the action as the runner does (bash -eo pipefail), sitegen on PATH."""
    script = step(action, name)["run"]
    outputs, summary = tmp / "outputs", tmp / "summary.md"
    environment = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ACTION_PATH": str(ROOT),
    } | env
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=repo, env=environment, capture_output=True, text=True,
    )  # fmt: skip


def outputs(tmp: Path) -> dict[str, str]:
    lines = (tmp / "outputs").read_text().splitlines() if (tmp / "outputs").exists() else []
    return dict(line.split("=", 1) for line in lines)


@pytest.mark.parametrize("fail", ["true", "false"])
def test_report_step_writes_the_comment_and_the_verdict(action, tmp_path: Path, fail: str):
    repo = repo_kit.make_repo(tmp_path / "repo")
    repo_kit.pull_request(repo, "slower", repo_kit.add_regression)
    report = tmp_path / "report.md"
    done = run_step(
        action, "report", repo, tmp_path,
        CONFIG="site.toml", BASE_URL="", BASE_REF="main", REPORT=str(report),
        FAIL_ON_REGRESSION=fail, FAIL_ON_INVALID="false",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr  # the verdict waits until the comment is posted
    out = outputs(tmp_path)
    assert out["path"] == str(report) and out["status"] == ("1" if fail == "true" else "0")
    assert report.read_text().startswith("<!-- sitegen-report -->")
    assert (tmp_path / "summary.md").read_text() == report.read_text()
    if fail == "true":
        verdict = run_step(action, "Fail on regressions or invalid results", repo, tmp_path)
        assert verdict.returncode == 1 and "::error title=sitegen report::" in verdict.stdout


def test_check_step_annotates_a_pull_request_s_own_problems_first(action, tmp_path: Path):
    repo = repo_kit.make_repo(tmp_path / "repo")
    repo_kit.pull_request(repo, "invalid", repo_kit.add_invalid)
    on_main = run_step(action, "Check the results", repo, tmp_path, CONFIG="site.toml", BASE_REF="")
    on_pull_request = run_step(
        action, "Check the results", repo, tmp_path, CONFIG="site.toml", BASE_REF="main"
    )
    assert on_main.returncode == 0 and on_pull_request.returncode == 0, on_pull_request.stderr
    everything = on_main.stdout.splitlines()[:-1]
    own = on_pull_request.stdout.splitlines()[:-1]
    new_run = f"file=results/{repo_kit.NEW_RUN}/"
    assert own and all(new_run in line for line in own)
    assert len(everything) > len(own)  # the history's warnings are left out on the pull request
    order = ["::error", "::warning", "::notice"]
    for lines in (own, everything):  # the new run's error first, before the history's warnings
        kinds = [line.split(" ", 1)[0] for line in lines]
        assert kinds[0] == "::error" and kinds == sorted(kinds, key=order.index)
    assert "in the runs and files this change touches" in on_pull_request.stdout.splitlines()[-1]


def test_check_and_build_steps_run_on_a_results_repository(action, tmp_path: Path):
    repo = repo_kit.make_repo(tmp_path / "repo")
    check = run_step(action, "Check the results", repo, tmp_path, CONFIG="site.toml")
    assert check.returncode == 0, check.stderr
    assert check.stdout.splitlines()[-1].startswith("::notice title=sitegen check::8 runs")
    runner_temp = tmp_path / "runner-temp"
    build = run_step(
        action, "Build the site", repo, tmp_path,
        CONFIG="site.toml", BASE_URL="https://x.example/b/", RUNNER_TEMP=str(runner_temp),
        SITEGEN_CACHE_DIR=str(runner_temp / "sitegen" / "cache"),  # the step's env, as the runner sets it
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    # Where the cache and upload steps look for it, whatever the results roots are.
    cached = step(action, "actions/cache@v4")["with"]["path"].splitlines()
    assert cached == ["${{ runner.temp }}/sitegen/_site", "${{ runner.temp }}/sitegen/cache"]
    assert step(action, "Build the site")["env"]["SITEGEN_CACHE_DIR"] == cached[1]
    assert step(action, "Upload the Pages artifact")["with"]["path"] == cached[0]
    site = runner_temp / "sitegen" / "_site"
    assert (site / "index.html").is_file() and (site.parent / "cache" / "signing.key").is_file()
    assert 'href="https://x.example/b/"' in (site / "index.html").read_text()


def test_the_action_builds_a_repository_that_is_its_own_results_root(action, tmp_path: Path):
    repo = repo_kit.make_repo(tmp_path / "repo")
    (repo / "site.toml").write_text(repo_kit.SITE_TOML.replace('results = ["results"]', 'results = ["."]'))
    temp = tmp_path / "runner-temp"
    build = run_step(
        action, "Build the site", repo, tmp_path, CONFIG="site.toml", BASE_URL="", RUNNER_TEMP=str(temp)
    )
    assert build.returncode == 0, build.stderr
    assert (temp / "sitegen" / "_site" / "runs" / "results" / "l4").is_dir()


COMMENT_HARNESS = """
const script = require("fs").readFileSync(process.argv[2], "utf8");
const existing = JSON.parse(process.argv[3]);
const calls = [];
const github = {
  paginate: async (method, args) => { calls.push(["list", args.issue_number]); return existing; },
  rest: {
    issues: {
      listComments: "listComments",
      updateComment: async (args) => calls.push(["update", args.comment_id, args.body]),
      createComment: async (args) => calls.push(["create", args.issue_number, args.body]),
    },
    users: { getAuthenticated: async () => { throw new Error("Resource not accessible by integration"); } },
  },
};
const context = { repo: { owner: "o", repo: "r" }, payload: { pull_request: { number: 7 } } };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction("github", "context", "require", "process", script)(github, context, require, process)
  .then(() => console.log(JSON.stringify(calls)), (e) => { console.error(e); process.exit(1); });
"""


@pytest.mark.parametrize(
    "existing, expected",
    [
        ([], ["create", 7]),
        (
            [{"id": 11, "user": {"login": "github-actions[bot]"}, "body": "<!-- sitegen-report -->\nold"}],
            ["update", 11],
        ),
        # Someone pasting the marker into a comment of their own does not get it overwritten.
        ([{"id": 12, "user": {"login": "mallory"}, "body": "<!-- sitegen-report -->\nmine"}], ["create", 7]),
    ],
)
def test_the_comment_step_edits_its_own_comment_in_place(action, tmp_path: Path, existing, expected):
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js runs the comment step's script; not on this machine")
    (tmp_path / "script.js").write_text(step(action, "Comment on the pull request")["with"]["script"])
    (tmp_path / "harness.js").write_text(COMMENT_HARNESS)
    report = tmp_path / "report.md"
    report.write_text("<!-- sitegen-report -->\n## Benchmark results in this pull request\n")
    done = subprocess.run(
        [node, str(tmp_path / "harness.js"), str(tmp_path / "script.js"), json.dumps(existing)],
        env={"REPORT": str(report), "PATH": os.environ["PATH"]}, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    calls = json.loads(done.stdout)
    assert calls[0] == ["list", 7] and len(calls) == 2  # one listing, then one write
    assert calls[1][:2] == expected and calls[1][2] == report.read_text()
