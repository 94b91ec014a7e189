"""The throughput ceiling of the service load benchmark: one trivial FastAPI + pydantic POST handler.

It parses the same ``/v1/verify`` bodies into a pydantic model and answers a small JSON document,
under the same uvicorn defaults as ``followfix serve`` (one worker). Whatever the real service
does beyond this (building and checking constraints, metrics, errors) is what its req/s pays for.

Run: ``python -m uvicorn bench.ceiling_app:app --port 8011`` (``bench/service_load.py --ceiling``
starts it itself).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel


class Spec(BaseModel):
    id: str
    kwargs: dict[str, Any] = {}


class VerifyBody(BaseModel):
    response: str
    constraints: list[Spec] | None = None
    instruction: str | None = None
    mode: str = "strict"


class Reply(BaseModel):
    passed: bool
    constraints: int


app = FastAPI()


@app.post("/v1/verify")
async def verify(body: VerifyBody) -> Reply:
    return Reply(passed=bool(body.response), constraints=len(body.constraints or ()))


@app.get("/readyz")
async def ready() -> dict[str, str]:
    return {"status": "ready"}
