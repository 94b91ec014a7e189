"""The base of every request body: strict JSON types, no unknown fields, only storable text.

Every body the API parses (verify, correct, extract, collect, jobs) derives from
:class:`RequestBody`, so the check for text no store or JSON encoder can hold (lone surrogates,
NUL: ``graph.storable``) runs once, where a request enters, before anything is accepted.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from graph.storable import find_unstorable
from service.api.errors import UnstorableInputError, api_field


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
        found = find_unstorable(data)
        if found is not None:
            field = api_field(found.path)
            raise UnstorableInputError(f"{field}: {found.reason}", field=field)
        return data
