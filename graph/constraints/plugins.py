"""Constraints of the user's own: classes from installed packages join the catalogue at start-up.

A package declares them under the entry point group ``followfix.constraints``; each entry point
names a :class:`~graph.constraints.base.Constraint` subclass, a module (every concrete subclass
defined in it), or a list of classes. A module path can also be given directly (the service's
``FOLLOWFIX_CONSTRAINT_MODULES`` setting). Registered plugins are constraints like any other, so
the API catalogue, the CLI, the engine, LLM extraction and the exports all see them.

A plugin is refused (:class:`~graph.errors.PluginError`, naming the entry point or module, the
class and the reason) when its id is already taken (a built-in or another plugin) or its class
is malformed: not a concrete subclass, a bad id, example kwargs its own model rejects, a
``describe()`` or ``check()`` that does not return what the contract says.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
from collections.abc import Iterable, Sequence
from importlib import import_module, metadata
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from graph.constraints.base import CheckResult, Constraint
from graph.constraints.registry import catalogue, register
from graph.errors import FollowfixError, PluginError

ENTRY_POINT_GROUP = "followfix.constraints"
MODULES_SETTING = "FOLLOWFIX_CONSTRAINT_MODULES"  # comma-separated module paths, read once at start-up
_ID = re.compile(r"[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+")
_PROBE = "A short probe response. It has two sentences!"
_loaded: dict[str, str] = {}  # constraint id -> where it came from
_sources_done: set[str] = set()
_builtin_ids: set[str] = set()  # the catalogue before any plugin loaded

logger = logging.getLogger(__name__)


def plugin_sources() -> dict[str, str]:
    """Plugin constraint ids and the entry point or module each came from."""
    return dict(_loaded)


def _classes(target: Any, where: str) -> list[Any]:
    """The candidate classes an entry point names (validated by ``_register``)."""
    if isinstance(target, ModuleType):
        found = [
            obj
            for obj in vars(target).values()
            if inspect.isclass(obj)
            and issubclass(obj, Constraint)
            and obj.__module__ == target.__name__
            and not inspect.isabstract(obj)
        ]
        if not found:
            raise PluginError(
                f"constraint plugin {where}: module {target.__name__} defines no constraint class"
            )
        return found
    if inspect.isclass(target):
        return [target]
    if isinstance(target, Iterable) and not isinstance(target, str | bytes):
        return list(target)
    raise PluginError(
        f"constraint plugin {where}: {target!r} is not a constraint class, a list of them or a module"
    )


def _problem(cls: Any) -> str | None:
    """Why a class cannot be a constraint, or None."""
    if not inspect.isclass(cls) or not issubclass(cls, Constraint):
        return "is not a subclass of graph.constraints.Constraint"
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(getattr(cls, "__abstractmethods__", ())))
        return f"is abstract (does not implement {missing})"
    constraint_id = cls.__dict__.get("id")
    if not isinstance(constraint_id, str) or not _ID.fullmatch(constraint_id):
        return f"needs its own id of the form 'family:name' (has {constraint_id!r})"
    if not (inspect.isclass(cls.params_model) and issubclass(cls.params_model, BaseModel)):
        return "params_model is not a pydantic model"
    if not isinstance(cls.has_repair, bool) or not isinstance(cls.example, dict):
        return "has_repair must be a bool and example a dict of kwargs"
    return _behaviour_problem(cls)


def _behaviour_problem(cls: type[Constraint[Any]]) -> str | None:
    """Build it from its example and call it once, so a broken plugin fails now, not mid-job."""
    try:
        instance = cls.from_kwargs(cls.example)
        description = instance.describe()
        result = instance.check(_PROBE)
        fixed = instance.repair(_PROBE)
    except FollowfixError as exc:
        return f"rejects its own example kwargs {cls.example!r}: {exc}"
    except Exception as exc:
        return f"fails when built from its example and called: {type(exc).__name__}: {exc}"
    if not isinstance(description, str) or not description.strip():
        return "describe() must return the instruction text"
    if not isinstance(result, CheckResult) or not isinstance(result.passed, bool):
        return "check() must return a CheckResult"
    if fixed is not None and not isinstance(fixed, str):
        return "repair() must return a string or None"
    return None


def _snapshot_builtins() -> None:
    if not _builtin_ids:
        _builtin_ids.update(catalogue())


def _register(classes: Sequence[Any], where: str) -> list[str]:
    taken = catalogue()
    for cls in classes:
        problem = _problem(cls)
        name = getattr(cls, "__qualname__", repr(cls))
        if problem:
            raise PluginError(f"constraint plugin {where}: class {name} {problem}")
        if cls.id in _builtin_ids or (cls.id in taken and taken[cls.id] is not cls):
            owner = _loaded.get(cls.id, "a built-in constraint")
            raise PluginError(
                f"constraint plugin {where}: class {name} id '{cls.id}' is already taken by {owner}",
                constraint_id=cls.id,
            )
    ids = []
    for cls in classes:
        if cls.id not in taken:
            register(cls)
        _loaded[cls.id] = where
        ids.append(cls.id)
    return ids


def _import(path: str, where: str) -> Any:
    module_name, _, attribute = path.partition(":")
    try:
        target: Any = import_module(module_name)
        for part in filter(None, attribute.split(".")):
            target = getattr(target, part)
    except PluginError:
        raise
    except FollowfixError as exc:  # e.g. a module that registers a taken id itself
        raise PluginError(f"constraint plugin {where}: {exc}") from exc
    except Exception as exc:
        raise PluginError(
            f"constraint plugin {where}: cannot load {path}: {type(exc).__name__}: {exc}"
        ) from exc
    return target


def load_entry_points() -> list[str]:
    """Register the constraints of every installed ``followfix.constraints`` entry point (once each)."""
    _snapshot_builtins()
    ids: list[str] = []
    for entry in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = entry.dist.name if entry.dist is not None else "?"
        where = f"'{entry.name}' (entry point {ENTRY_POINT_GROUP} of {dist}: {entry.value})"
        if where in _sources_done:
            continue
        ids += _register(_classes(_import(entry.value, where), where), where)
        _sources_done.add(where)
    if ids:
        logger.info("constraint plugins registered: %s", ", ".join(ids))
    return ids


def load_modules(modules: Iterable[str]) -> list[str]:
    """Register the constraints of modules named in settings (``pkg.module`` or ``pkg.module:Class``)."""
    _snapshot_builtins()
    ids: list[str] = []
    for given in modules:
        path = given.strip()
        where = f"module '{path}'"
        if not path or where in _sources_done:
            continue
        ids += _register(_classes(_import(path, where), where), where)
        _sources_done.add(where)
    return ids


def load_configured() -> list[str]:
    """Start-up: every entry point, then the modules named in ``FOLLOWFIX_CONSTRAINT_MODULES``."""
    return load_entry_points() + load_modules(os.environ.get(MODULES_SETTING, "").split(","))
