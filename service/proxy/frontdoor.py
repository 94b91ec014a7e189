"""The front door's request flow: forward to the upstream, then verify, collect or correct.

``verify``: the upstream's completion unchanged, verdicts in ``followfix`` and in headers.
``collect`` (default): the same, and each checked choice goes to the durable collect queue after
the reply has left. ``correct``: the engine runs first (``service.proxy.correcting``).
Streams pass through chunk by chunk as they arrive; verdicts come in one extra chunk (empty
``choices``, a ``followfix`` field) just before ``[DONE]``. Extraction with rules runs after the
upstream answered (it is sub-millisecond); an LLM extractor runs concurrently with the upstream.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi.responses import JSONResponse
from starlette.responses import Response

from graph.errors import FollowfixError
from graph.teacher import Teacher, TeacherConfig, make_teacher
from service.api.resources import Resources
from service.proxy.collector import Collector
from service.proxy.correcting import as_chunks, check_options, correct_completion
from service.proxy.request import BadChatRequest, ProxyOptions, split_request
from service.proxy.sse import DONE, EventStreamResponse, StreamAccumulator, event, is_done
from service.proxy.upstream import UpstreamClient, UpstreamError, open_upstream, openai_error
from service.proxy.verdicts import Plan, check, given_constraints, headers_for, plan
from service.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")


def error_reply(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def bad_request(exc: BadChatRequest) -> JSONResponse:
    return error_reply(
        400, openai_error(400, exc.message, "invalid_request_error", "invalid_value", exc.param)
    )


@dataclass
class FrontDoor:
    settings: Settings
    resources: Resources
    upstream: UpstreamClient | None
    collector: Collector | None
    extractor: Teacher | None
    owns_extractor: bool = False
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    @classmethod
    def open(cls, settings: Settings, resources: Resources, queue: Any) -> FrontDoor:
        extractor, owned = resources.teacher, False
        if settings.extractor_model:
            key = settings.extractor_api_key.get_secret_value() if settings.extractor_api_key else None
            config = TeacherConfig(
                model=settings.extractor_model,
                base_url=settings.extractor_base_url,
                api_key=key,
                client=settings.extractor_client,
                timeout_s=settings.teacher_timeout_s,
                max_retries=settings.teacher_max_retries,
            )
            extractor, owned = make_teacher(config), True
        collector = Collector(queue) if queue is not None else None
        return cls(settings, resources, open_upstream(settings), collector, extractor, owned)

    async def aclose(self) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=10.0)
        if self.collector is not None:
            await self.collector.drain()
        if self.upstream is not None:
            await self.upstream.aclose()
        if self.owns_extractor and self.extractor is not None:
            await self.extractor.aclose()

    def _upstream(self) -> UpstreamClient:
        if self.upstream is None:
            message = "no upstream model configured on this server (set FOLLOWFIX_UPSTREAM_BASE_URL)"
            raise UpstreamError(503, openai_error(503, message, "upstream_unavailable", "no_upstream"))
        return self.upstream

    async def models(self) -> Response:
        try:
            return JSONResponse(await self._upstream().models())
        except UpstreamError as exc:
            return error_reply(exc.status, exc.body, exc.headers)

    async def chat(self, body: Any) -> Response:
        planning: PlanHandle | None = None
        try:
            upstream_body, options = split_request(body)
            mode = options.mode or self.settings.proxy_mode
            given_constraints(options)  # a bad spec is refused before anything goes upstream
            if mode == "correct":
                check_options(options, upstream_body, self.settings, self.resources)
            if options.extractor not in (None, "rules") and self.extractor is None:
                raise BadChatRequest(
                    f"followfix.extractor: {options.extractor!r} needs an LLM and none is configured",
                    "followfix.extractor",
                )
            upstream = self._upstream()
            planning = self._start_plan(options, upstream_body)
            if upstream_body.get("stream"):
                if mode == "correct":
                    return await self._buffered_stream(upstream, upstream_body, options, planning)
                return await self._passthrough(upstream, upstream_body, options, mode, planning)
            completion = await upstream.complete(upstream_body)
            info = await self._inspect(completion_texts(completion), options, mode, planning)
            if mode == "correct":
                await correct_completion(
                    completion, info, await planning.get(), options, self.settings, self.resources
                )
            completion["followfix"] = info
            return JSONResponse(completion, headers=headers_for(info))
        except BadChatRequest as exc:
            return bad_request(exc)
        except UpstreamError as exc:
            if planning is not None:
                planning.discard()
            return error_reply(exc.status, exc.body, exc.headers)

    def _start_plan(self, options: ProxyOptions, body: dict[str, Any]) -> PlanHandle:
        """Extraction started now when it needs an LLM (overlapping the upstream), else when used."""
        eager = (options.extractor or self.settings.extractor) != "rules" and options.constraints is None
        return PlanHandle(lambda: plan(options, body["messages"], self.settings, self.extractor), eager)

    def _spawn(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """A task that outlives the request (held here: the loop keeps only weak references)."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _inspect(
        self, texts: list[str | None], options: ProxyOptions, mode: str, planning: PlanHandle
    ) -> dict[str, Any]:
        the_plan = await planning.get()
        info = {"mode": mode, **await check(texts, the_plan, options.check, self.settings)}
        if mode == "collect":
            info["collect"] = self._collect(the_plan, texts)
        return info

    def _collect(self, the_plan: Plan, texts: list[str | None]) -> dict[str, Any]:
        if self.collector is None:
            return {"status": "skipped", "reason": "no collect queue on this server"}
        if not the_plan.specs or not the_plan.instruction:
            return {"status": "skipped", "reason": the_plan.note or "no constraints found"}
        count = 0
        for text in texts:
            if isinstance(text, str) and len(text) <= self.settings.max_response_chars:
                payload = {
                    "instruction": the_plan.instruction,
                    "response": text,
                    "constraints": the_plan.specs,
                }
                count += self.collector.submit(payload)
        if not count:
            return {
                "status": "skipped",
                "reason": "nothing collectable (no text, too long, or too many in flight)",
            }
        return {"status": "queued", "items": count}

    async def _passthrough(
        self,
        upstream: UpstreamClient,
        body: dict[str, Any],
        options: ProxyOptions,
        mode: str,
        planning: PlanHandle,
    ) -> Response:
        opening = upstream.stream(body)
        events = await opening.__aenter__()  # errors before the first chunk keep their status

        async def relay() -> AsyncGenerator[bytes, None]:
            seen = StreamAccumulator()
            inspecting: asyncio.Future[dict[str, Any]] | None = None
            try:
                async for chunk in events:
                    if is_done(chunk):
                        seen.done = True
                        break
                    yield chunk  # forwarded before it is parsed: parsing never delays a token
                    seen.feed(chunk)
                # Upstream finished: verification and collection run in their own task, so a client
                # hanging up now cannot cancel them.
                inspecting = self._spawn(self._inspect(seen.choice_texts(), options, mode, planning))
                info = await asyncio.shield(inspecting)
                yield event({"id": seen.id, "object": "chat.completion.chunk", "created": seen.created,
                             "model": seen.model, "choices": [], "followfix": info})  # fmt: skip
                yield DONE
            except UpstreamError as exc:
                logger.warning("front door: upstream stream failed: %s", exc)
                yield event(exc.body)
            finally:
                await opening.__aexit__(None, None, None)
                if inspecting is None:
                    planning.discard()
                if inspecting is None and not seen.finished:
                    logger.info(
                        "front door: stream ended early: %d chunk(s), nothing collected", len(seen.texts)
                    )

        return EventStreamResponse(relay(), headers={"X-Followfix-Mode": mode})

    async def _buffered_stream(
        self, upstream: UpstreamClient, body: dict[str, Any], options: ProxyOptions, planning: PlanHandle
    ) -> Response:
        """Correct mode with ``stream: true``: complete, correct, then send the result as chunks."""
        whole = {k: v for k, v in body.items() if k not in ("stream", "stream_options")}
        completion = await upstream.complete(whole)
        info = await self._inspect(completion_texts(completion), options, "correct", planning)
        await correct_completion(
            completion, info, await planning.get(), options, self.settings, self.resources
        )
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        chunks = as_chunks(completion, include_usage)
        final = {**chunks[0], "choices": [], "followfix": info} if chunks else {"followfix": info}

        async def replay() -> AsyncGenerator[bytes, None]:
            for chunk in chunks:
                yield event(chunk)
            yield event(final)
            yield DONE

        return EventStreamResponse(replay(), headers=headers_for(info))


def completion_texts(completion: dict[str, Any]) -> list[str | None]:
    texts: list[str | None] = []
    for choice in completion.get("choices") or []:
        message = choice.get("message") if isinstance(choice, dict) else None
        content = message.get("content") if isinstance(message, dict) else None
        texts.append(content if isinstance(content, str) else None)
    return texts


class PlanHandle:
    """The request's plan, computed once: eagerly in a task (LLM extractor) or on first use."""

    def __init__(self, start: Callable[[], Coroutine[Any, Any, Plan]], eager: bool) -> None:
        self._start = start
        self._task: asyncio.Task[Plan] | None = asyncio.ensure_future(start()) if eager else None

    async def get(self) -> Plan:
        """The plan; a failed extraction (an LLM extractor down) costs the verdicts, not the reply."""
        if self._task is None:
            self._task = asyncio.ensure_future(self._start())
        try:
            return await self._task
        except FollowfixError as exc:
            logger.warning("front door: extraction failed: %s", exc)
            return Plan(None, note=f"extraction failed: {exc}")

    def discard(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
