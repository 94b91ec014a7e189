"""The base of every request body: strict JSON types, no unknown fields, only storable text.

Every body the API parses (verify, correct, extract, collect, jobs) derives from
:class:`RequestBody`, so the check for text no store or JSON encoder can hold (lone surrogates,
NUL: ``graph.storable``) runs once, where a request enters, before anything is accepted.

The walk over the parsed body costs ~20 us on a typical /v1/verify body; it is skipped when the
request middleware, which sees every byte, found none that can decode to such text. In valid JSON
only an escape (``\\ud800``, ``\\u0000``) or the raw bytes of a surrogate (``ED A0..BF``, which
``json.loads`` takes with ``surrogatepass``) can; raw NUL is invalid JSON.
"""

from __future__ import annotations

import json
import re
from contextvars import ContextVar
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from graph.storable import find_unstorable
from service.api.errors import UnstorableInputError, api_field

# Bytes from which JSON decoding can produce a lone surrogate or NUL (false positives only cost a walk).
SUSPECT_BYTES = re.compile(rb"\\u(?:[dD][89a-fA-F]|0000)|\xed[\xa0-\xbf]")


class BodyScan:
    """What the request middleware saw of one body (mutable, so every copy of the context shares it)."""

    __slots__ = ("suspect",)

    def __init__(self) -> None:
        self.suspect = False


# Set per request by the middleware; None (no middleware, e.g. a model validated directly) = walk.
body_scan: ContextVar[BodyScan | None] = ContextVar("followfix_body_scan", default=None)


B = TypeVar("B", bound=BaseModel)


class RequestBody(BaseModel):
    """Unknown fields are an error (a misspelt option must not be silently ignored) and JSON types
    are taken as written: ``"record": 0`` is not a boolean, ``"max_rounds": "3"`` not an integer."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        """Refuse the body when any string or key in it holds a lone surrogate or NUL (a 422).

        Raised as an API error, not a ``ValueError``: pydantic passes it through unchanged, so the
        reply names the exact field (``constraints[0].kwargs.keywords.0``).
        """
        scan = body_scan.get()
        if scan is not None and not scan.suspect:
            return data
        found = find_unstorable(data)
        if found is not None:
            field = api_field(found.path)
            raise UnstorableInputError(f"{field}: {found.reason}", field=field)
        return data


async def read_json_body(request: Request, model: type[B]) -> B:
    """Parse and validate a JSON body in one pass (pydantic-core's parser), for hot routes that
    skip FastAPI's body machinery (about 20 us a request); errors are FastAPI's own 422s."""
    raw = await request.body()
    try:
        try:
            return model.model_validate_json(raw)
        except ValidationError as exc:
            if exc.errors()[0]["type"] != "json_invalid" or not SUSPECT_BYTES.search(raw):
                raise
            # pydantic-core refuses a lone surrogate escape as invalid JSON; Python's decoder takes
            # it, so the body is read again that way and the validator names the field that holds it.
            try:
                data = json.loads(raw)
            except ValueError:
                raise exc from None
            return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors(include_url=False)]
        ) from None
