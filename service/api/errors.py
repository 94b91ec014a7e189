"""Every error the API returns, as ``{"error": {"code", "message", "field"?}}``, mapped in one place.

Engine errors (``graph.errors``) map to statuses by class in :data:`STATUS_BY_ERROR`; the service's
own errors (auth, limits, deadlines) derive from :class:`ApiError` and carry their status. Bad input
is always a 4xx naming the field; a 500 means a bug and is logged with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    ConstraintError,
    ConstraintParamError,
    ExtractionError,
    FollowfixError,
    InputFormatError,
    StoreError,
    TeacherError,
    TeacherUnavailableError,
    UnknownConstraintError,
)

logger = logging.getLogger(__name__)


class ApiError(FollowfixError):
    """A service-level error with its HTTP status and machine-readable code."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers = dict(headers or {})


class AuthenticationError(ApiError):
    status_code = 401
    code = "unauthenticated"


class PermissionDeniedError(ApiError):
    status_code = 403
    code = "forbidden"


class PayloadTooLargeError(ApiError):
    status_code = 413
    code = "payload_too_large"


class LimitExceededError(ApiError):
    """A field is over a configured limit (length, count): the caller can shorten it."""

    status_code = 422
    code = "limit_exceeded"


class InvalidRequestError(ApiError):
    """A request is well-formed but asks for something this server cannot do as configured."""

    status_code = 422
    code = "invalid_request"


class UnstorableInputError(ApiError):
    """Text no store or JSON encoder can hold (a lone surrogate, NUL): refused where it enters."""

    status_code = 422
    code = "unstorable_text"


class NotFoundError(ApiError):
    status_code = 404
    code = "not_found"


class ConflictError(ApiError):
    status_code = 409
    code = "conflict"


class DeadlineExceededError(ApiError):
    status_code = 504
    code = "deadline_exceeded"


class ServiceUnavailableError(ApiError):
    status_code = 503
    code = "unavailable"


# Engine errors: most specific class first; the first isinstance match wins.
STATUS_BY_ERROR: Sequence[tuple[type[FollowfixError], int, str]] = (
    (UnknownConstraintError, 422, "unknown_constraint"),
    (ConstraintParamError, 422, "invalid_constraint_param"),
    (ConstraintError, 422, "invalid_constraint"),
    (ExtractionError, 422, "extraction_failed"),
    (InputFormatError, 422, "invalid_input"),
    (TeacherUnavailableError, 503, "teacher_unavailable"),
    (TeacherError, 502, "teacher_error"),
    (StoreError, 503, "store_unavailable"),
)


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    """The shape of every error response (documented in OpenAPI for each route)."""

    error: ErrorBody


def error_response(
    status: int, code: str, message: str, field: str | None = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    return JSONResponse({"error": body}, status_code=status, headers=dict(headers or {}))


def status_for(exc: FollowfixError) -> tuple[int, str]:
    """The HTTP status and code of an error, by class."""
    if isinstance(exc, ApiError):
        return exc.status_code, exc.code
    for cls, status, code in STATUS_BY_ERROR:
        if isinstance(exc, cls):
            return status, code
    return 500, "internal_error"


def field_from_loc(loc: Sequence[int | str]) -> str:
    """``("body", "constraints", 0, "kwargs")`` -> ``constraints[0].kwargs``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] if len(parts) > 1 else parts
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "body"


def api_field(path: str) -> str:
    """``constraints.0.kwargs.keywords.0`` -> ``constraints[0].kwargs.keywords.0``: list indexes in
    brackets as in every other error, except inside ``kwargs`` (named as the constraint names them)."""
    parts: list[int | str] = []
    inside_kwargs = False
    for part in path.split("."):
        if part.isdigit() and not inside_kwargs:
            parts.append(int(part))
        elif inside_kwargs and parts and isinstance(parts[-1], str):
            parts[-1] = f"{parts[-1]}.{part}"
        else:
            parts.append(part)
        inside_kwargs = inside_kwargs or part == "kwargs"
    return field_from_loc(parts)


# The part of the request an engine error is about when it names none itself.
_DEFAULT_FIELD = {
    "extraction_failed": "instruction",
    "invalid_input": "body",
    "invalid_constraint": "constraints",
}


async def _followfix_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FollowfixError)
    status, code = status_for(exc)
    message = getattr(exc, "message", None) or str(exc) or code
    field = getattr(exc, "field", None) or _DEFAULT_FIELD.get(code)
    headers = dict(getattr(exc, "headers", {}) or {})
    if status == 503:
        settings = getattr(request.app.state, "settings", None)
        headers.setdefault("Retry-After", str(settings.retry_after_s if settings else 30))
    if status >= 500:
        logger.warning("%s %s -> %d %s: %s", request.method, request.url.path, status, code, message)
    return error_response(status, code, message, field, headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first: dict[str, Any] = dict(errors[0]) if errors else {"loc": ("body",), "msg": "invalid request"}
    field = field_from_loc(first.get("loc", ("body",)))
    message = f"{field}: {first.get('msg', 'invalid value')}"
    if first.get("type") == "json_invalid":
        message = f"body: invalid JSON ({first.get('ctx', {}).get('error', 'decode error')})"
        field = "body"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more)"
    return error_response(422, "validation_error", message, field)


_BODY_PARSE_FAILED = "There was an error parsing the body"
_HTTP_CODES = {413: PayloadTooLargeError.code, 401: AuthenticationError.code, 403: PermissionDeniedError.code}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:
        phrase = "HTTP error"
    if exc.status_code == 400 and exc.detail == _BODY_PARSE_FAILED:
        # FastAPI's answer when the JSON decoder itself fails (nesting deeper than it recurses):
        # invalid JSON like any other, so the same 422 as a syntax error.
        reason = type(exc.__cause__).__name__ if exc.__cause__ is not None else "undecodable"
        return error_response(422, "validation_error", f"body: invalid JSON ({reason})", "body")
    code = _HTTP_CODES.get(exc.status_code) or phrase.lower().replace(" ", "_").replace("-", "_")
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else phrase
    field = "body" if exc.status_code == 413 else None
    return error_response(exc.status_code, code, message, field, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "internal server error (logged)")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(FollowfixError, _followfix_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)


# The error responses each route documents in OpenAPI.
def error_docs(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorResponse, "description": HTTPStatus(status).phrase} for status in statuses}
