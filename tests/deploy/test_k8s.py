"""deploy/k8s/: every resource against the Kubernetes OpenAPI schemas bundled in kubernetes-validate
(strict: unknown fields fail), the KubeRay RayJob against our schema of its API with the same
bundled PodTemplateSpec, then the cross-references no schema sees (selectors, names, settings)."""

from __future__ import annotations

import json
import re
import shlex
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
from referencing import Registry, Resource

from tests.deploy.helpers import K8S, load_yaml, load_yaml_docs, settings_fields
from tests.deploy.test_lock import lock_pins

# The newest schemas the validator ships and an older release still common in managed clusters.
KUBERNETES_VERSIONS = ["1.29", kubernetes_validate.latest_version()]
KUSTOMIZATION = K8S / "kustomization.yaml"
# Applied per run or filled in by hand, not by `kubectl apply -k`.
OUTSIDE_KUSTOMIZE = {"secret.template.yaml", "rayjob.yaml", "bulk-data-pvc.yaml"}
# Kubernetes resource.Quantity (what CPU, memory and GPU amounts must parse as).
QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?(\d+(\.\d*)?|\.\d+))?$")


def manifests() -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.name, doc)
        for path in sorted(K8S.glob("*.yaml"))
        if path != KUSTOMIZATION
        for doc in load_yaml_docs(path)
    ]


def by_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for _, doc in manifests() if doc["kind"] == kind]


def one(kind: str, name: str) -> dict[str, Any]:
    (found,) = [doc for doc in by_kind(kind) if doc["metadata"]["name"] == name]
    return found


CORE = [(f, d) for f, d in manifests() if d["kind"] != "RayJob"]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize(("filename", "doc"), CORE, ids=[f"{f}:{d['kind']}" for f, d in CORE])
def test_kubernetes_schema(filename: str, doc: dict[str, Any], version: str) -> None:
    kubernetes_validate.validate(doc, version, strict=True)


def test_strict_validation_rejects_an_unknown_field() -> None:
    deployment = json.loads(json.dumps(one("Deployment", "followfix")))
    deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    with pytest.raises(kubernetes_validate.ValidationError, match="imagePullPolicyy"):
        kubernetes_validate.validate(deployment, kubernetes_validate.latest_version(), strict=True)


def rayjob_validator() -> jsonschema.Draft202012Validator:
    """Our RayJob schema, resolving Kubernetes types from kubernetes-validate's bundled strict set."""
    bundled = resources.files("kubernetes_validate") / "kubernetes-json-schema"
    folder = bundled / f"v{kubernetes_validate.latest_version()}-local-strict"
    definitions = json.loads((folder / "_definitions.json").read_text(encoding="utf-8"))
    schema = json.loads((Path(__file__).parent / "schemas" / "rayjob-v1.schema.json").read_text("utf-8"))
    registry: Registry[Any] = Registry().with_resource(
        definitions["$id"], Resource.from_contents(definitions)
    )
    return jsonschema.Draft202012Validator(schema, registry=registry)


def test_rayjob_schema() -> None:
    (rayjob,) = by_kind("RayJob")
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in rayjob_validator().iter_errors(rayjob)
    ]
    assert not errors, errors


@pytest.mark.parametrize(
    ("path", "value", "why"),
    [
        (("spec", "rayClusterSpec", "headGroupSpec", "rayStartParams", "num-cpus"), 0, "must be strings"),
        (("spec", "shutdownAfterJobFinish"), True, "a misspelt field"),
        (
            ("spec", "rayClusterSpec", "headGroupSpec", "template", "spec", "containers", 0, "imag"),
            "x",
            "pod",
        ),
    ],
)
def test_rayjob_schema_rejects(path: tuple[Any, ...], value: Any, why: str) -> None:
    (rayjob,) = by_kind("RayJob")
    broken = json.loads(json.dumps(rayjob))
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert list(rayjob_validator().iter_errors(broken)), why


def test_rayjob_ray_version_is_the_locked_ray() -> None:
    """KubeRay starts the cluster with the image's ray; rayVersion must say the same (the lock's)."""
    (rayjob,) = by_kind("RayJob")
    assert rayjob["spec"]["rayClusterSpec"]["rayVersion"] == str(lock_pins()["ray"])


def test_rayjob_runs_bulk_correction_on_ray() -> None:
    (rayjob,) = by_kind("RayJob")
    args = shlex.split(rayjob["spec"]["entrypoint"])
    assert args[:2] == ["followfix", "correct"]
    assert args[args.index("--engine") + 1] == "ray"
    head = rayjob["spec"]["rayClusterSpec"]["headGroupSpec"]["template"]["spec"]
    mounted = {m["mountPath"] for c in head["containers"] for m in c.get("volumeMounts", [])}
    for flag in ("--input", "--output"):
        path = args[args.index(flag) + 1]
        assert any(path.startswith(mount + "/") for mount in mounted), f"{flag} {path} is on no volume"


def containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if doc["kind"] == "RayJob":
        cluster = doc["spec"]["rayClusterSpec"]
        templates = [cluster["headGroupSpec"]["template"]]
        templates += [group["template"] for group in cluster.get("workerGroupSpecs", [])]
    elif doc["kind"] == "Deployment":
        templates = [doc["spec"]["template"]]
    else:
        return []
    return [c for t in templates for c in t["spec"]["containers"]]


WORKLOADS = [d for _, d in manifests() if containers(d)]


@pytest.mark.parametrize("doc", WORKLOADS, ids=[d["metadata"]["name"] for d in WORKLOADS])
def test_containers_pin_images_and_size_resources(doc: dict[str, Any]) -> None:
    for container in containers(doc):
        image = container["image"]
        assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), image
        resources_ = container["resources"]
        assert resources_["requests"]["cpu"] and resources_["requests"]["memory"]
        for section in ("requests", "limits"):
            for name, amount in resources_.get(section, {}).items():
                assert QUANTITY.match(str(amount)), f"{container['name']} {section}.{name}: {amount!r}"


@pytest.mark.parametrize("doc", WORKLOADS, ids=[d["metadata"]["name"] for d in WORKLOADS])
def test_config_and_secret_references_resolve(doc: dict[str, Any]) -> None:
    configmaps = {d["metadata"]["name"] for d in by_kind("ConfigMap")}
    secrets = {d["metadata"]["name"]: d for d in by_kind("Secret")}
    for container in containers(doc):
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                assert source["configMapRef"]["name"] in configmaps
            if "secretRef" in source:
                assert source["secretRef"]["name"] in secrets
        for env in container.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["key"] in secrets[ref["name"]]["stringData"], ref


def test_followfix_runs_as_the_images_non_root_user() -> None:
    for doc in [one("Deployment", "followfix"), *by_kind("RayJob")]:
        templates = (
            [doc["spec"]["template"]]
            if doc["kind"] == "Deployment"
            else [doc["spec"]["rayClusterSpec"]["headGroupSpec"]["template"]]
            + [g["template"] for g in doc["spec"]["rayClusterSpec"]["workerGroupSpecs"]]
        )
        for template in templates:
            context = template["spec"]["securityContext"]
            assert context["runAsNonRoot"] is True and context["runAsUser"] == 10001


def test_api_probes_and_serve_args() -> None:
    (api,) = one("Deployment", "followfix")["spec"]["template"]["spec"]["containers"]
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["args"][0] == "serve"
    port = int(api["args"][api["args"].index("--port") + 1])
    assert api["ports"][0]["containerPort"] == port
    assert api["securityContext"]["readOnlyRootFilesystem"] is True


@pytest.mark.parametrize("name", ["followfix", "vllm"])
def test_services_select_their_pods(name: str) -> None:
    service = one("Service", name)
    labels = one("Deployment", name)["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    ports = {p["name"] for c in containers(one("Deployment", name)) for p in c["ports"]}
    assert all(p["targetPort"] in ports for p in service["spec"]["ports"])


def test_hpa_and_pdb_target_the_api() -> None:
    (hpa,) = by_kind("HorizontalPodAutoscaler")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "followfix")
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    (api,) = containers(one("Deployment", "followfix"))
    assert "cpu" in api["resources"]["requests"], "a CPU-utilisation HPA needs CPU requests"
    (pdb,) = by_kind("PodDisruptionBudget")
    labels = one("Deployment", "followfix")["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_vllm_requests_a_gpu_and_serves_the_teacher() -> None:
    (vllm,) = containers(one("Deployment", "vllm"))
    assert vllm["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert vllm["args"][vllm["args"].index("--served-model-name") + 1] == "teacher"
    config = one("ConfigMap", "followfix-config")["data"]
    assert config["FOLLOWFIX_TEACHER_BASE_URL"] == "http://vllm:8000/v1"
    assert config["FOLLOWFIX_TEACHER_MODEL"] == "teacher"


def test_configmap_and_secret_keys_are_settings() -> None:
    known = settings_fields()
    keys = set(one("ConfigMap", "followfix-config")["data"])
    keys |= set(one("Secret", "followfix-secrets")["stringData"])
    unknown = {k for k in keys if k.startswith("FOLLOWFIX_")} - known
    assert not unknown, f"not in service/settings.py: {sorted(unknown)}"


def test_kustomization_lists_the_rest() -> None:
    kustomization = load_yaml(KUSTOMIZATION)
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {KUSTOMIZATION.name}
    assert listed == on_disk - OUTSIDE_KUSTOMIZE, (listed, on_disk)
    namespace = kustomization["namespace"]
    assert all(
        d["metadata"].get("namespace", namespace) == namespace
        for _, d in manifests()
        if d["kind"] != "Namespace"
    )
