"""Constraints of the user's own: real plugin packages, installed with pip, seen everywhere or refused.

Each fixture package under tests/fixtures/plugins is pip-installed (no index, no build isolation)
into its own temporary folder, and a fresh interpreter runs with that folder on PYTHONPATH: the
entry point is found by importlib.metadata exactly as in a user's environment, and the shared
environment never holds a plugin.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "plugins"


def _install(name: str, tmp: Path) -> Path:
    source = tmp / "src" / name
    shutil.copytree(FIXTURES / name, source)  # setuptools writes build/ and egg-info next to the source
    target = tmp / "site" / name
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    command += ["--no-build-isolation", "--target", str(target), str(source)]
    subprocess.run(command, check=True, timeout=300, capture_output=True)
    return target


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("plugins")
    return {name: _install(name, tmp) for name in ("demo", "clash", "broken")}


def run_python(code: str, site: Path, *args: str, modules: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    env["FOLLOWFIX_CONSTRAINT_MODULES"] = modules
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        check=False,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_plugin_constraints_join_the_catalogue_and_work(sites: dict[str, Path]) -> None:
    done = run_python(
        """
        import json
        from graph.constraints import build, catalogue, verify
        from graph.constraints.plugins import plugin_sources
        from graph.extract.llm import catalogue_text
        exclaim = build("demo:exclaim")
        lines = build("demo:max_lines", {"max_lines": 2.0})
        print(json.dumps({
            "ids": list(catalogue()),
            "sources": plugin_sources(),
            "check": exclaim.check("Hello.").detail,
            "repair": exclaim.repair("Hello."),
            "lines": [r.passed for r in verify("a\\nb\\nc", [{"id": "demo:max_lines", "kwargs": {"max_lines": 3}}])],
            "too_many": lines.check("a\\nb\\nc").detail,
            "llm_menu": [line for line in catalogue_text().splitlines() if line.startswith("- demo:")],
        }))
        """,
        sites["demo"],
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["ids"][-2:] == ["demo:exclaim", "demo:max_lines"]  # after every built-in
    assert "punctuation:no_comma" in data["ids"] and "format:emoji" in data["ids"]
    assert "followfix-demo-constraints" in data["sources"]["demo:exclaim"]
    assert data["check"] == "ends with '.', not '!'"
    assert data["repair"] == "Hello!"
    assert data["lines"] == [True]
    assert data["too_many"] == "has 3 lines; at most 2 allowed"
    assert len(data["llm_menu"]) == 2 and '"max_lines"' in data["llm_menu"][1]


def test_plugins_in_the_service_engine_and_exports(sites: dict[str, Path], tmp_path: Path) -> None:
    """A real uvicorn server: /v1/constraints lists them, /v1/correct repairs one, /v1/pairs exports it."""
    done = run_python(
        """
        import json, sys
        from pathlib import Path
        import httpx
        from tests.service.api.conftest import make_settings
        from tests.service.api.live import live_server
        with live_server(make_settings(Path(sys.argv[1]))) as url, httpx.Client(base_url=url, timeout=60) as client:
            listed = {c["id"]: c for c in client.get("/v1/constraints").json()}
            spec = [{"id": "demo:exclaim"}, {"id": "demo:max_lines", "kwargs": {"max_lines": 2}}]
            corrected = client.post(
                "/v1/correct", json={"instruction": "Be excited.", "response": "I am glad.", "constraints": spec}
            ).json()
            bad = client.post("/v1/verify", json={"response": "x", "constraints": [{"id": "demo:max_lines"}]})
            pairs = client.get("/v1/pairs", params={"format": "trl"}).text
            rlvr = client.get("/v1/pairs", params={"format": "rlvr"}).text
        print(json.dumps({"listed": listed.get("demo:exclaim"), "n": len(listed), "corrected": corrected,
                          "bad": [bad.status_code, bad.text], "pairs": pairs, "rlvr": rlvr}))
        """,
        sites["demo"],
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["listed"]["has_repair"] is True
    assert data["listed"]["description"] == "End your response with an exclamation mark."
    assert data["n"] == 85  # 25 IFEval + 58 IFBench + 2 of the plugin
    assert (data["corrected"]["status"], data["corrected"]["final"]) == ("corrected", "I am glad!")
    assert data["bad"][0] == 422 and "max_lines" in data["bad"][1]
    row = json.loads(data["pairs"].splitlines()[0])
    assert row["chosen"][-1]["content"] == "I am glad!" and row["rejected"][-1]["content"] == "I am glad."
    assert "demo:exclaim" in data["rlvr"] and "demo:max_lines" in data["rlvr"]


def test_plugins_in_the_cli(sites: dict[str, Path], tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps(
            {
                "prompt": "Be excited.",
                "response": "Great.",
                "instruction_id_list": ["demo:exclaim"],
                "kwargs": [{}],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "verdicts.jsonl"
    done = run_python(
        "import sys; from service.cli import main; sys.exit(main(sys.argv[1:]))",
        sites["demo"],
        "verify",
        "--input",
        str(rows),
        "--output",
        str(out),
    )
    assert done.returncode == 0, done.stderr + done.stdout
    verdict = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert "demo:exclaim" in json.dumps(verdict)


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        (
            "clash",
            [
                "'commas'",
                "followfix-clash-constraints",
                "NoComma",
                "'punctuation:no_comma'",
                "already taken by a built-in",
            ],
        ),
        (
            "broken",
            [
                "'shout'",
                "followfix-broken-constraints",
                "class Shout",
                "is abstract (does not implement describe)",
            ],
        ),
    ],
)
def test_a_bad_plugin_is_refused_at_start_up(sites: dict[str, Path], site: str, expected: list[str]) -> None:
    done = run_python("import graph.constraints", sites[site])
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("graph.errors.PluginError: constraint plugin ")
    for part in expected:
        assert part in last, last


def test_settings_modules_register_without_an_entry_point(tmp_path: Path) -> None:
    """The second plugin point: module paths in FOLLOWFIX_CONSTRAINT_MODULES (no packaging at all)."""
    package = tmp_path / "mine"
    package.mkdir()
    shutil.copy(FIXTURES / "demo" / "followfix_demo_constraints" / "lines.py", package / "my_lines.py")
    done = run_python(
        """
        from graph.constraints import catalogue, plugins
        print(sorted(plugins.plugin_sources().items()), "demo:max_lines" in catalogue())
        try:
            plugins.load_modules(["graph.constraints.punctuation"])
        except plugins.PluginError as exc:
            print(exc)
        """,
        package,
        modules=" my_lines ,",
    )
    assert done.returncode == 0, done.stderr
    first, refused = done.stdout.strip().splitlines()
    assert first == "[('demo:max_lines', \"module 'my_lines'\")] True"
    assert "module 'graph.constraints.punctuation'" in refused and "already taken by a built-in" in refused
