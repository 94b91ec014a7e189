"""What the lifespan opens once and every request shares: store, recorder, compiled graph, teacher.

Also the readiness probe (is the store answering, is the teacher's endpoint reachable) and the
choice of teacher for one request (the server's, or a per-request one where the server allows it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from graph.graph import build_graph
from graph.teacher import Teacher, TeacherConfig, make_teacher
from service.api.errors import InvalidRequestError
from service.api.schemas import TeacherOptions
from service.settings import Settings
from service.store import Store
from service.store.recorder import Recorder

logger = logging.getLogger(__name__)


@dataclass
class Resources:
    store: Store
    recorder: Recorder
    graph: Any  # compiled once here; graph.run.correct reuses the cached compilation
    teacher: Teacher | None
    teacher_config: TeacherConfig | None


def server_teacher_config(settings: Settings) -> TeacherConfig | None:
    if not settings.teacher_model:
        return None
    return TeacherConfig(
        model=settings.teacher_model,
        base_url=settings.teacher_base_url,
        api_key=settings.teacher_api_key.get_secret_value() if settings.teacher_api_key else None,
        client=settings.teacher_client,
        timeout_s=settings.teacher_timeout_s,
        max_retries=settings.teacher_max_retries,
    )


async def open_resources(settings: Settings) -> Resources:
    store = await Store.open(settings.store_url)
    recorder = Recorder(store)
    recorder.start()
    config = server_teacher_config(settings)
    teacher = make_teacher(config) if config else None
    if not settings.api_keys:
        logger.warning(
            "NO API KEYS CONFIGURED: the service is open to anyone who can reach it "
            "(set FOLLOWFIX_API_KEYS=key1,key2 to require bearer tokens)"
        )
    logger.info(
        "followfix service: store %s, teacher %s, default strategy %s",
        make_url(settings.store_url).render_as_string(hide_password=True),
        config.model if config else "none",
        settings.effective_strategy,
    )
    return Resources(
        store=store, recorder=recorder, graph=build_graph(), teacher=teacher, teacher_config=config
    )


async def close_resources(resources: Resources) -> None:
    try:
        await resources.recorder.stop()
    finally:
        await resources.store.close()
        if resources.teacher is not None:
            await resources.teacher.aclose()


def request_teacher(
    options: TeacherOptions | None, resources: Resources, settings: Settings
) -> tuple[TeacherConfig | None, Teacher | None]:
    """The server's teacher, or a per-request one (off unless FOLLOWFIX_ALLOW_REQUEST_TEACHER=1)."""
    if options is None:
        return resources.teacher_config, resources.teacher
    if not settings.allow_request_teacher:
        raise InvalidRequestError(
            "per-request teachers are disabled on this server (FOLLOWFIX_ALLOW_REQUEST_TEACHER=1 enables them)",
            field="options.teacher",
        )
    config = TeacherConfig(
        model=options.model,
        base_url=options.base_url,
        api_key=options.api_key.get_secret_value() if options.api_key else None,
        client=options.client,
        timeout_s=options.timeout_s or settings.teacher_timeout_s,
        max_retries=settings.teacher_max_retries,
    )
    return config, make_teacher(config)


async def _probe_teacher(config: TeacherConfig, timeout_s: float) -> str:
    if not config.base_url:
        return "configured (no base_url to probe)"
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    url = config.base_url.rstrip("/") + "/models"
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            reply = await client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        raise ConnectionError(f"{url}: {type(exc).__name__}") from exc
    if reply.status_code >= 500:
        raise ConnectionError(f"{url}: HTTP {reply.status_code}")
    return "ok"


async def readiness(resources: Resources, settings: Settings) -> dict[str, str]:
    """One line per dependency: ``ok`` or why not. Ready when none failed."""
    checks: dict[str, str] = {}
    timeout = settings.readiness_timeout_s
    ok = await resources.store.ping(timeout)
    checks["store"] = "ok" if ok else f"failed: no answer within {timeout}s (see the log)"
    if resources.teacher_config is None:
        checks["teacher"] = "none configured (rules strategy)"
    else:
        try:
            checks["teacher"] = await _probe_teacher(resources.teacher_config, timeout)
        except (ConnectionError, TimeoutError) as exc:
            checks["teacher"] = f"failed: {exc}"[:300]
    return checks
