"""The FastAPI application: ``create_app()`` wires settings, middleware, error handlers and routers.

Kept thin on purpose: resources are opened once by the lifespan (``service.api.resources``), routes
live one module per resource under ``service.api.routes``.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from service import ui
from service.api.errors import install_error_handlers
from service.api.metrics import Metrics
from service.api.middleware import RequestMiddleware
from service.api.resources import close_resources, open_resources
from service.api.routes import (
    chat,
    collect,
    constraints,
    correct,
    curation,
    extract,
    health,
    jobs,
    metrics,
    pairs,
    review,
    reward,
    reward_gym,
    verify,
)
from service.bulk.services import start_bulk
from service.proxy.frontdoor import FrontDoor
from service.settings import Settings

DESCRIPTION = """Verify LLM responses against verifiable constraints (IFEval ids), correct them
with deterministic repairs or a teacher LLM, and record every correction as preference data.

Errors are JSON: `{"error": {"code", "message", "field"}}`; `field` names the part of the request
to fix. Send `Authorization: Bearer <key>` when the server has API keys configured."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; ``settings`` defaults to the environment (``FOLLOWFIX_*``, ``.env``)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.resources = await open_resources(settings)
        resources = app.state.resources
        app.state.bulk = await start_bulk(
            resources.store,
            resources.teacher_config,
            settings.default_strategy,
            registry=app.state.metrics.registry,
        )
        app.state.front_door = FrontDoor.open(settings, resources, app.state.bulk.queue)
        gc.freeze()  # startup objects (catalogue, models, graph) live forever: keep them out of GC scans
        try:
            yield
        finally:
            await app.state.front_door.aclose()  # in-flight collect puts land before the queue closes
            await app.state.bulk.stop()
            await close_resources(app.state.resources)

    app = FastAPI(title="followfix", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.add_middleware(RequestMiddleware, metrics=app.state.metrics, max_body_bytes=settings.max_body_bytes)
    install_error_handlers(app)
    for module in (
        correct,
        verify,
        extract,
        constraints,
        pairs,
        health,
        metrics,
        jobs,
        collect,
        chat,
        review,
        curation,
        reward,
        reward_gym,
    ):
        app.include_router(module.router)
    app.include_router(ui.router)
    if not settings.api_keys:
        _document_open_access(app)
    return app


def _document_open_access(app: FastAPI) -> None:
    """With no keys configured the bearer token is optional: say so in OpenAPI (``{}`` = no auth)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    if operation.get("security") and {} not in operation["security"]:
                        operation["security"].append({})
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
