"""Liveness and readiness probes (unauthenticated: orchestrators call them without keys)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from service.api.deps import ResourcesDep, SettingsDep
from service.api.resources import readiness
from service.api.schemas import Health, Readiness

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> Health:
    """The process is up and serving; says nothing about its dependencies."""
    return Health(status="ok")


@router.get("/readyz", responses={503: {"model": Readiness, "description": "a dependency failed"}})
async def readyz(request: Request, settings: SettingsDep, resources: ResourcesDep) -> JSONResponse:
    """200 when the store answers, the configured teacher is reachable and every configured collect
    worker is running; else 503 saying which."""
    checks = await readiness(resources, settings)
    bulk = getattr(request.app.state, "bulk", None)
    if bulk is not None:
        checks["collectors"] = bulk.collectors.health()
    ready = all(not value.startswith("failed") for value in checks.values())
    body = Readiness(status="ready" if ready else "not_ready", checks=checks)
    headers = {} if ready else {"Retry-After": str(settings.retry_after_s)}
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503, headers=headers)
