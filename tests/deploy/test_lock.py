"""One source of truth for installs: requirements/constraints.txt.

`make install` (hence `make test` and CI) and deploy/Dockerfile both install with
``pip install -c requirements/constraints.txt ...`` and nothing else pins a version, so the image
runs the versions the test suite proved. The lock must also still cover pyproject.toml: a
dependency added without `make lock` fails here, naming itself.
"""

from __future__ import annotations

import re
import shlex
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.deploy.helpers import DEPLOY, LOCK, REPO, dockerfile_instructions

LOCK_RELATIVE = LOCK.relative_to(REPO).as_posix()
# vLLM pins its own torch/transformers: it runs in its own image, outside the lock (DESIGN.md).
UNLOCKED_EXTRAS = {"gpu"}


def lock_pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for raw in LOCK.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"lock line not an exact pin: {line}"
        pins[canonicalize_name(requirement.name)] = Version(spec.version)
    return pins


def makefile_variables(text: str) -> dict[str, str]:
    return dict(re.findall(r"^([A-Z_]+)\s*[:?]?=\s*(.*?)\s*$", text, re.M))


def makefile_pip_installs() -> list[list[str]]:
    """The argument lists of every `pip install` in the Makefile, variables expanded."""
    text = (REPO / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    variables = makefile_variables(text)
    commands = []
    for line in text.splitlines():
        if "pip install" not in line:
            continue
        expanded = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m.group(1), m.group(0)), line)
        args = shlex.split(expanded)
        commands.append(args[args.index("install") + 1 :])
    return commands


def dockerfile_pip_installs() -> list[list[str]]:
    commands = []
    for keyword, rest in dockerfile_instructions(DEPLOY / "Dockerfile"):
        if keyword != "RUN":
            continue
        for part in re.split(r"&&|;", rest):
            args = shlex.split(part)
            if args[:2] == ["pip", "install"] or args[1:3] == ["-m", "pip"]:
                commands.append(args[args.index("install") + 1 :])
    return commands


def constraint_files(args: list[str]) -> list[str]:
    return [args[i + 1] for i, arg in enumerate(args) if arg in {"-c", "--constraint"}]


def check_install(args: list[str], where: str) -> None:
    """Pinned only through the lock: `-c LOCK`, no `-r` files, no inline versions."""
    targets = [a for a in args if not a.startswith("-") and a not in constraint_files(args)]
    if targets == ["pip"]:
        return  # upgrading the installer itself
    assert constraint_files(args) == [LOCK_RELATIVE], (
        f"{where}: pip install {args} must use -c {LOCK_RELATIVE}"
    )
    assert not {"-r", "--requirement"} & set(args), f"{where}: a second requirements source: {args}"
    for target in targets:
        assert not re.search(r"[=<>~!]=|[<>]", target), f"{where}: inline pin {target!r}: pin in the lock"


def test_makefile_installs_through_the_lock() -> None:
    installs = makefile_pip_installs()
    assert any(any(a.startswith("-e") or ".[" in a for a in args) for args in installs), installs
    for args in installs:
        check_install(args, "Makefile")


def test_dockerfile_installs_through_the_same_lock() -> None:
    installs = dockerfile_pip_installs()
    assert installs, "the Dockerfile installs nothing with pip?"
    for args in installs:
        check_install(args, "deploy/Dockerfile")
    copied = [rest for keyword, rest in dockerfile_instructions(DEPLOY / "Dockerfile") if keyword == "COPY"]
    assert any(LOCK_RELATIVE in rest for rest in copied), "the Dockerfile must COPY the lock it installs with"


def test_both_install_this_project_with_extras() -> None:
    """Same project spec on both sides: `.[extras]` (editable for developers, a wheel in the image)."""
    project = re.compile(r"^\.\[([\w,${}]+)\]$")
    make = [a for args in makefile_pip_installs() for a in args if project.match(a)]
    docker = [a for args in dockerfile_pip_installs() for a in args if project.match(a)]
    assert make and docker, (make, docker)


def pyproject_requirements() -> list[tuple[str, Requirement]]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [("dependencies", Requirement(r)) for r in project["dependencies"]]
    for extra, requirements in project["optional-dependencies"].items():
        if extra not in UNLOCKED_EXTRAS:
            found += [(f"[{extra}]", Requirement(r)) for r in requirements]
    return found


def test_lock_covers_pyproject() -> None:
    """Every requirement of the locked extras is pinned, at a version its specifier allows."""
    pins = lock_pins()
    stale = []
    for where, requirement in pyproject_requirements():
        if requirement.marker is not None and not requirement.marker.evaluate({"python_version": "3.11"}):
            continue
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned, prereleases=True):
            stale.append(f"{where} {requirement} (lock: {pinned})")
    assert not stale, f"requirements/constraints.txt is stale, run `make lock`: {stale}"


def test_lock_is_made_by_make_lock() -> None:
    header = LOCK.read_text(encoding="utf-8").splitlines()[:3]
    assert any("make lock" in line for line in header), header
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^lock:", makefile, re.M), "Makefile needs the `lock` target that made the lock"
