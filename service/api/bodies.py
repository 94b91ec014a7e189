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

import re
from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

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
