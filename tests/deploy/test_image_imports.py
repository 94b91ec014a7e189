"""The image installs only `.[service,postgres]`: everything the API and the CLI import at load
time must come with that install. The dev venv has every extra, so it would hide a missing
dependency; here a subprocess blocks every distribution outside the image's set and imports all
of graph/ and service/ (lazy imports inside functions, like ray or torch, are not affected).
"""

from __future__ import annotations

import json
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.helpers import REPO, run

IMAGE_EXTRAS = ("service", "postgres")


def image_requirements() -> list[Requirement]:
    """followfix's own requirements for the image, from pyproject.toml (installed metadata of an
    editable install goes stale when pyproject.toml changes)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in IMAGE_EXTRAS:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def install_set() -> set[str]:
    """Distributions `pip install '.[service,postgres]'` brings, following installed metadata."""
    seen: set[tuple[str, frozenset[str]]] = set()
    stack = [
        (r.name, frozenset(r.extras)) for r in image_requirements() if not r.marker or r.marker.evaluate()
    ]
    while stack:
        current, wanted = stack.pop()
        key = (canonicalize_name(current), wanted)
        if key in seen:
            continue
        seen.add(key)
        try:
            requires = distribution(current).requires or []
        except PackageNotFoundError:
            continue  # not installed here (a platform-only dependency): nothing to follow
        for line in requires:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": e}) for e in (wanted or {""})):
                stack.append((requirement.name, frozenset(requirement.extras)))
    return {dist for dist, _ in seen}


def test_everything_loads_with_only_the_image_packages() -> None:
    allowed = install_set()
    assert {"fastapi", "uvicorn", "asyncpg"} <= allowed
    result = run(sys.executable, "-m", "tests.deploy.image_imports", json.dumps(sorted(allowed)), timeout=180)
    assert result.returncode == 0, (
        "imports the image cannot satisfy (declare them in pyproject.toml):\n"
        + result.stdout
        + result.stderr[-2000:]
    )
