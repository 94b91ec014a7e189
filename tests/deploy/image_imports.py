"""Run as a script by test_image_imports.py: import followfix with only the image's packages.

argv[1] is a JSON list of the distributions `pip install '.[service,postgres]'` installs; any other
third-party module raises ModuleNotFoundError, as it would in the image. Prints the failures.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from importlib.abc import MetaPathFinder
from importlib.metadata import packages_distributions
from typing import Any

from packaging.utils import canonicalize_name

FIRST_PARTY = {"graph", "service", "training", "tests"}
# Loaded by alembic at migration time, not importable on their own; and the Ray engine, which
# needs the ray extra (the followfix-ray image) and is imported only for `--engine ray`.
SKIP = ("service.store.migrations", "service.bulk.ray_engine")


class ImageOnly(MetaPathFinder):
    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed
        self.owners = packages_distributions()

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        top = name.partition(".")[0]
        if top in sys.stdlib_module_names or top in FIRST_PARTY or top not in self.owners:
            return None
        owners = {canonicalize_name(d) for d in self.owners[top]}
        if not owners & self.allowed:
            raise ModuleNotFoundError(f"No module named {name!r} in the image (from {sorted(owners)})")
        return None


def main() -> int:
    sys.meta_path.insert(0, ImageOnly(set(json.loads(sys.argv[1]))))
    failures = []
    names = ["service.cli", "service.app"]
    for package in ("graph", "service"):
        module = importlib.import_module(package)
        names += [m.name for m in pkgutil.walk_packages(module.__path__, f"{package}.")]
    for name in names:
        if name.startswith(SKIP):
            continue
        try:
            importlib.import_module(name)
        except ImportError as exc:
            failures.append(f"{name}: {exc}")
    try:
        from service.cli import build_parser

        build_parser()  # imports every command module, as `followfix` does on start
    except ImportError as exc:
        failures.append(f"followfix CLI: {exc}")
    print("\n".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
