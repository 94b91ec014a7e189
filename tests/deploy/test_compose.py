"""deploy/compose.yaml: the Compose specification's JSON Schema (check-jsonschema bundles it), then
what the schema cannot know: healthchecks, volumes, the GPU profile, and that every variable and
setting it names exists (.env.example, service/settings.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.helpers import DEPLOY, REPO, load_yaml, run, settings_fields, tool

COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"


def check_compose_schema(path: Path) -> tuple[int, str]:
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", path)
    return result.returncode, result.stdout + result.stderr


def test_compose_spec_schema() -> None:
    code, output = check_compose_schema(COMPOSE)
    assert code == 0, output


def test_schema_check_rejects_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yaml"
    broken.write_text(COMPOSE.read_text(encoding="utf-8").replace("healthcheck:", "healthchek:"), "utf-8")
    code, output = check_compose_schema(broken)
    assert code != 0 and "healthchek" in output, output


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_yaml(COMPOSE)


def test_the_four_services(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"api", "db", "litellm", "vllm"}


@pytest.mark.parametrize("service", ["api", "db", "litellm", "vllm"])
def test_every_service_has_a_healthcheck(compose: dict[str, Any], service: str) -> None:
    check = compose["services"][service]["healthcheck"]
    assert check["test"][0] in {"CMD", "CMD-SHELL"} and len(check["test"]) > 1


def test_api_is_built_from_the_dockerfile(compose: dict[str, Any]) -> None:
    build = compose["services"]["api"]["build"]
    context = (COMPOSE.parent / build["context"]).resolve()
    assert context == REPO
    assert (context / build["dockerfile"]).resolve() == DEPLOY / "Dockerfile"


def test_api_waits_for_healthy_dependencies(compose: dict[str, Any]) -> None:
    depends = compose["services"]["api"]["depends_on"]
    assert {name: spec["condition"] for name, spec in depends.items()} == {
        "db": "service_healthy",
        "litellm": "service_healthy",
    }


def test_api_uses_postgres_through_asyncpg(compose: dict[str, Any]) -> None:
    url = compose["services"]["api"]["environment"]["FOLLOWFIX_STORE_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@db:5432/" in url


def test_vllm_is_the_gpu_profile_with_a_gpu(compose: dict[str, Any]) -> None:
    vllm = compose["services"]["vllm"]
    assert vllm["profiles"] == ["gpu"]
    (device,) = vllm["deploy"]["resources"]["reservations"]["devices"]
    assert device["driver"] == "nvidia" and "gpu" in device["capabilities"]
    assert all("profiles" not in compose["services"][name] for name in ("api", "db", "litellm"))


def test_named_volumes_are_declared_and_bind_mounts_exist(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    used = set()
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith((".", "/")):
                assert (COMPOSE.parent / source).exists(), f"bind mount source missing: {source}"
            else:
                used.add(source)
    assert used == declared, (used, declared)
    assert {"pgdata", "hf-cache"} <= declared


VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")


def env_example_names() -> set[str]:
    names = set()
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            names.add(line.split("=", 1)[0].strip())
    return names


def test_every_variable_is_in_env_example() -> None:
    used = set(VARIABLE.findall(COMPOSE.read_text(encoding="utf-8")))
    missing = used - env_example_names()
    assert not missing, f"compose.yaml uses {sorted(missing)}: document them in deploy/.env.example"


def test_env_example_has_no_stray_or_filled_secrets() -> None:
    used = set(VARIABLE.findall(COMPOSE.read_text(encoding="utf-8")))
    stray = env_example_names() - used
    assert not stray, f"deploy/.env.example lists variables compose.yaml never reads: {sorted(stray)}"
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        if any(word in name for word in ("PASSWORD", "KEY", "TOKEN")) and not line.startswith("#"):
            assert value == "", f"{name} must stay empty in the example"


def test_followfix_settings_exist(compose: dict[str, Any]) -> None:
    """Every FOLLOWFIX_* the compose file sets is a field of service/settings.py."""
    known = settings_fields()
    set_here = set(compose["services"]["api"]["environment"])
    unknown = {name for name in set_here if name.startswith("FOLLOWFIX_")} - known
    assert not unknown, f"not in service/settings.py: {sorted(unknown)}"
