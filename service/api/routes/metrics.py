"""GET /metrics: Prometheus text exposition of this worker's registry (unauthenticated, for scrapers)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.api.deps import MetricsDep

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
async def metrics(metrics: MetricsDep) -> Response:
    """Requests, latencies, statuses, corrections, teacher calls and tokens."""
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
