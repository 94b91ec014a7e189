"""The commands the deploy files start are ones the real `followfix` CLI accepts.

Parsed with ``service.cli.build_parser()``: a renamed flag in the CLI breaks here, not in a pod.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from service.cli import build_parser
from tests.deploy.helpers import DEPLOY, K8S, dockerfile_instructions, load_yaml, load_yaml_docs


def default_interpolation(value: str) -> str:
    """Compose `${NAME:-default}` -> default, as with an empty .env."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)\}", r"\1", value)


def dockerfile_cmd() -> list[str]:
    instructions = dockerfile_instructions(DEPLOY / "Dockerfile")
    (entrypoint,) = [json.loads(rest) for keyword, rest in instructions if keyword == "ENTRYPOINT"]
    cmd = [json.loads(rest) for keyword, rest in instructions if keyword == "CMD"][-1]
    assert entrypoint == ["followfix"]
    return list(cmd)


def compose_command() -> list[str]:
    command = load_yaml(DEPLOY / "compose.yaml")["services"]["api"]["command"]
    return [default_interpolation(part) for part in command]


def k8s_args() -> list[str]:
    (deployment,) = [
        d
        for d in load_yaml_docs(K8S / "deployment.yaml")
        if d["kind"] == "Deployment" and d["metadata"]["name"] == "followfix"
    ]
    return list(deployment["spec"]["template"]["spec"]["containers"][0]["args"])


@pytest.mark.parametrize("source", [dockerfile_cmd, compose_command, k8s_args])
def test_serve_command_parses(source: Callable[[], list[str]]) -> None:
    args = build_parser().parse_args(source())
    assert args.command == "serve"
    assert (args.host, args.port, args.workers) == ("0.0.0.0", 8000, 1)
