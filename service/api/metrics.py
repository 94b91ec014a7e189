"""Prometheus metrics of one app, in its own registry (two apps in one process never collide).

Request counts and latencies are recorded by :class:`service.api.middleware.RequestMiddleware`;
correction outcomes, teacher calls and tokens by :meth:`Metrics.observe_correction`. Each uvicorn
worker process exposes its own counters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from graph.result import CorrectionResult

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass
class Metrics:
    """The service's metrics; built once per app in :func:`service.app.create_app`."""

    registry: CollectorRegistry = field(default_factory=lambda: CollectorRegistry(auto_describe=True))

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = Counter(
            "followfix_http_requests",
            "HTTP requests by route and status.",
            ["method", "route", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "followfix_http_request_duration_seconds",
            "HTTP request latency by route.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.in_progress = Gauge("followfix_http_requests_in_progress", "Requests being served.", registry=r)
        self.corrections = Counter(
            "followfix_corrections",
            "Corrections by final status and strategy.",
            ["status", "strategy"],
            registry=r,
        )
        self.teacher_calls = Counter(
            "followfix_teacher_calls", "Teacher LLM calls (retries excluded).", registry=r
        )
        self.teacher_attempts = Counter(
            "followfix_teacher_attempts", "Teacher LLM HTTP attempts (retries included).", registry=r
        )
        self.teacher_tokens = Counter(
            "followfix_teacher_tokens", "Teacher tokens by kind.", ["kind"], registry=r
        )
        self.teacher_cost = Counter(
            "followfix_teacher_cost_usd", "Teacher cost in USD where known.", registry=r
        )
        self.teacher_seconds = Histogram(
            "followfix_teacher_seconds",
            "Time spent waiting for the teacher per correction.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.teacher_errors = Counter(
            "followfix_teacher_errors",
            "Corrections that failed on the teacher, by code.",
            ["code"],
            registry=r,
        )
        self.verdicts = Counter(
            "followfix_verdicts", "Constraint verdicts served by /v1/verify.", ["passed"], registry=r
        )
        self.verdicts_passed = self.verdicts.labels("true")
        self.verdicts_failed = self.verdicts.labels("false")
        # ``labels()`` hashes and locks on every call; the hot path looks its children up here once.
        self._request_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one request and its latency (label children cached: the set of routes is bounded)."""
        key = (method, route, status)
        children = self._request_children.get(key)
        if children is None:
            children = (self.requests.labels(method, route, str(status)), self.latency.labels(method, route))
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def observe_correction(self, result: CorrectionResult) -> None:
        self.corrections.labels(result.status, result.strategy).inc()
        usage = result.usage
        if usage.calls:
            self.teacher_calls.inc(usage.calls)
        if usage.attempts:
            self.teacher_attempts.inc(usage.attempts)
        if usage.prompt_tokens:
            self.teacher_tokens.labels("prompt").inc(usage.prompt_tokens)
        if usage.completion_tokens:
            self.teacher_tokens.labels("completion").inc(usage.completion_tokens)
        if usage.cost_usd:
            self.teacher_cost.inc(usage.cost_usd)
        if usage.calls or result.teacher_s:
            self.teacher_seconds.observe(result.teacher_s)
