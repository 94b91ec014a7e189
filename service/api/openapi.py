"""OpenAPI pieces FastAPI cannot infer: bodies of routes that read the raw request themselves."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema with every ``$defs`` reference written in place (no components)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(
                    {**defs[ref.removeprefix("#/$defs/")], **{k: v for k, v in node.items() if k != "$ref"}}
                )
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def request_body_doc(content: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``openapi_extra`` for a required request body with these media types and schemas."""
    return {
        "requestBody": {"required": True, "content": {kind: {"schema": s} for kind, s in content.items()}}
    }
