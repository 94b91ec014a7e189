"""Suite-wide fixtures: where the shared benchmark data lives, and the no-skip rule of CI.

With ``FOLLOWFIX_NO_SKIPS=1`` (set by ``.ci/run``) any skipped test fails the session, except
tests marked ``gpu`` (they need a machine CI does not have).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.support.fixtures"]

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def benchmarks_path() -> Path:
    return Path(os.environ.get("FOLLOWFIX_BENCHMARKS", REPO_ROOT.parent / "shared" / "benchmarks"))


@pytest.fixture(scope="session")
def benchmarks_dir() -> Path:
    """The shared benchmark data; tests using it skip with a reason where it is absent."""
    path = benchmarks_path()
    if not (path / "ifeval" / "input_data.jsonl").is_file():
        pytest.skip(f"benchmark data not found at {path} (set FOLLOWFIX_BENCHMARKS)")
    return path


def _no_skips() -> bool:
    return os.environ.get("FOLLOWFIX_NO_SKIPS") == "1"


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "gpu" not in report.keywords:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _no_skips() and _skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _no_skips() and _skipped:
        terminalreporter.section("FOLLOWFIX_NO_SKIPS: these tests were skipped, so the run fails")
        for nodeid in _skipped:
            terminalreporter.line(nodeid)
