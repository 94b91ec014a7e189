"""Reading a chat-completions request: the ``followfix`` options (the SDK's ``extra_body``), the
body that goes upstream (without them), and the instruction to verify against.

Only what followfix needs is validated; every other field travels upstream as the client wrote
it, so parameters this server has never heard of keep working.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationError

from service.api.errors import field_from_loc
from service.api.schemas import ConstraintIn, NonBlankText, StrictModel
from service.proxy.settings import ProxyMode
from service.settings import Extractor, Strategy

OPTIONS_KEY = "followfix"


class ProxyOptions(StrictModel):
    """Per-request options; anything omitted takes the server's default."""

    mode: ProxyMode | None = None
    constraints: list[ConstraintIn] | None = Field(
        default=None, description="checked instead of those extracted from the instruction"
    )
    instruction: NonBlankText | None = Field(
        default=None,
        description="the instruction to extract from and record (default: the last user message)",
    )
    extractor: Extractor | None = None
    check: Literal["strict", "loose"] = "strict"
    strategy: Strategy | None = Field(default=None, description="correct mode: the engine's strategy")
    max_rounds: int | None = Field(default=None, ge=0, description="correct mode: at most this many rounds")


class BadChatRequest(Exception):
    """A request this front door cannot forward; ``param`` names the field (OpenAI's ``param``)."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


def split_request(body: Any) -> tuple[dict[str, Any], ProxyOptions]:
    """(what goes upstream, followfix options); BadChatRequest names the first bad field."""
    if not isinstance(body, dict):
        raise BadChatRequest("the body must be a JSON object", "body")
    upstream = {key: value for key, value in body.items() if key != OPTIONS_KEY}
    if not isinstance(upstream.get("model"), str) or not upstream["model"]:
        raise BadChatRequest("model: a model name (string) is required", "model")
    messages = upstream.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise BadChatRequest("messages: a non-empty list of message objects is required", "messages")
    if "stream" in upstream and not isinstance(upstream["stream"], bool):
        raise BadChatRequest("stream: must be true or false", "stream")
    raw = body.get(OPTIONS_KEY)
    if raw is None:
        return upstream, ProxyOptions()
    if not isinstance(raw, dict):
        raise BadChatRequest(f"{OPTIONS_KEY}: must be an object", OPTIONS_KEY)
    try:
        return upstream, ProxyOptions.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = f"{OPTIONS_KEY}.{field_from_loc(['body', *first['loc']])}"
        raise BadChatRequest(f"{field}: {first['msg']}", field) from exc


def message_text(content: Any) -> str | None:
    """A message's text: a string, or the text parts of a content list (images etc. skipped)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict) and p.get("type") == "text"]
        texts = [p for p in parts if isinstance(p, str)]
        return "\n".join(texts) if texts else None
    return None


def last_user_text(messages: list[dict[str, Any]]) -> str | None:
    """The instruction: the text of the last user message (earlier turns are context, not asks)."""
    for message in reversed(messages):
        if message.get("role") == "user":
            return message_text(message.get("content"))
    return None
