"""deploy/Dockerfile: hadolint (every level fails), and the shape the issue asks for.

`docker build` itself is not run here (no Docker engine in CI); the build context it would get is
checked instead by building the wheel from exactly the files the Dockerfile copies.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
import zipfile
from pathlib import Path

from tests.deploy.helpers import DEPLOY, REPO, dockerfile_instructions, run, tool

DOCKERFILE = DEPLOY / "Dockerfile"
HADOLINT_CONFIG = DEPLOY / "hadolint.yaml"


def hadolint(path: Path) -> list[dict[str, object]]:
    result = run(tool("hadolint"), "--config", HADOLINT_CONFIG, "--format", "json", path)
    findings: list[dict[str, object]] = json.loads(result.stdout or "[]")
    assert (result.returncode == 0) == (not findings), result.stderr
    return findings


def test_hadolint_finds_nothing() -> None:
    findings = hadolint(DOCKERFILE)
    assert findings == [], "\n".join(f"{f['line']}: {f['code']} {f['message']}" for f in findings)


def test_hadolint_does_flag_a_bad_dockerfile(tmp_path: Path) -> None:
    """The linter really runs with this config: a Dockerfile with known faults is rejected."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN cd /src && pip install requests\n", encoding="utf-8")
    codes = {f["code"] for f in hadolint(bad)}
    assert {"DL3007", "DL3003", "DL3013"} <= codes


def stages() -> list[list[tuple[str, str]]]:
    """Instructions grouped by stage (everything before the first FROM is the global scope)."""
    groups: list[list[tuple[str, str]]] = [[]]
    for instruction in dockerfile_instructions(DOCKERFILE):
        if instruction[0] == "FROM":
            groups.append([])
        groups[-1].append(instruction)
    return groups


def global_arg(name: str) -> str:
    for keyword, rest in stages()[0]:
        if keyword == "ARG" and rest.startswith(f"{name}="):
            return rest.split("=", 1)[1]
    raise AssertionError(f"no global ARG {name}= in the Dockerfile")


def test_multi_stage_slim_non_root_runtime() -> None:
    build_stages = stages()[1:]
    assert len(build_stages) >= 2, "multi-stage: a builder and a runtime"
    froms = [stage[0][1] for stage in build_stages]
    assert all("-slim" in image for image in froms), froms
    runtime = build_stages[-1]
    users = [rest for keyword, rest in runtime if keyword == "USER"]
    assert users, "the runtime stage must switch to a non-root user"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, users
    copies_from = [rest for keyword, rest in runtime if keyword == "COPY" and "--from=" in rest]
    assert copies_from, "the runtime stage copies the built venv from the builder"


def test_healthcheck_probes_healthz() -> None:
    runtime = stages()[-1]
    (check,) = [rest for keyword, rest in runtime if keyword == "HEALTHCHECK"]
    assert "/healthz" in check
    assert re.search(r"--interval=\d+s", check) and re.search(r"--timeout=\d+s", check)


def test_installs_the_service_and_postgres_extras_by_default() -> None:
    builder = stages()[1]
    (extras,) = [rest.split("=", 1)[1] for keyword, rest in builder if keyword == "ARG" and "EXTRAS=" in rest]
    assert set(extras.split(",")) == {"service", "postgres"}


def test_image_python_matches_the_lock() -> None:
    """The lock is resolved for one Python (Makefile LOCK_PYTHON); the image must run that one."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    lock_python = re.search(r"^LOCK_PYTHON\s*:?=\s*(\S+)", makefile, re.M)
    assert lock_python, "Makefile must define LOCK_PYTHON"
    assert global_arg("PYTHON_VERSION") == lock_python.group(1)


def test_copied_sources_build_a_complete_wheel(tmp_path: Path) -> None:
    """Build the wheel from only what the builder stage COPYs, as `docker build` would.

    An editable install (the venv's) hides files a real install drops; the image gets a real one.
    Every file under the copied packages (bar caches) must be in the wheel.
    """
    context = tmp_path / "context"
    packages: list[str] = []
    for keyword, rest in stages()[1]:
        if keyword != "COPY" or "--from=" in rest:
            continue
        *sources, _dest = shlex.split(rest)
        for source in sources:
            origin = REPO / source
            assert origin.exists(), f"COPY {source}: not in the repository"
            target = context / source
            target.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                # Skipped as .dockerignore skips them (an in-place build leaves *.so in the tree).
                ignored = shutil.ignore_patterns("__pycache__", "*.pyc", "*.so")
                shutil.copytree(origin, target, ignore=ignored)
                packages.append(source)
            else:
                shutil.copy2(origin, target)
    dist = tmp_path / "dist"
    result = run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
        "-w", dist, context, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (wheel,) = dist.glob("followfix-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
        entry_points = next(n for n in in_wheel if n.endswith(".dist-info/entry_points.txt"))
        assert "followfix = service.cli:main" in archive.read(entry_points).decode()
    on_disk = {
        path.relative_to(context).as_posix()
        for package in packages
        for path in (context / package).rglob("*")
        if path.is_file()
    }
    # C sources are compiled into the wheel, not shipped: their modules must be there instead.
    sources = {name for name in on_disk if name.endswith(".c")}
    missing = sorted(on_disk - sources - in_wheel)
    assert not missing, f"files the image would lack (add them to package data): {missing}"
    for source in sources:
        module = source.removesuffix(".c")
        assert any(n.startswith(module) and n.endswith(".so") for n in in_wheel), f"{source} not compiled"


def test_dockerignore_lets_the_copied_sources_through() -> None:
    """The root .dockerignore is an allowlist: everything COPY names must be re-included."""
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    rules = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert rules[0] == "*", "allowlist: ignore everything, then re-include"
    allowed = {rule[1:].rstrip("/") for rule in rules if rule.startswith("!")}
    for keyword, rest in stages()[1]:
        if keyword == "COPY" and "--from=" not in rest:
            *sources, _dest = shlex.split(rest)
            for source in sources:
                assert source.rstrip("/") in allowed, f"COPY {source} is excluded by .dockerignore"
    assert not allowed & {".env", "deploy/.env", ".venv", "var", ".git"}, allowed
