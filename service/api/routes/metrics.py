"""GET /metrics: Prometheus text exposition of this worker's registry (unauthenticated, for scrapers)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.api.deps import MetricsDep

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
async def metrics(request: Request, metrics: MetricsDep) -> Response:
    """Requests, latencies, statuses, corrections, teacher calls and tokens; the collect backlog."""
    bulk = getattr(request.app.state, "bulk", None)
    if bulk is not None:
        await bulk.refresh_metrics()
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
