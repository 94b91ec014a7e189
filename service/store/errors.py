"""Database exceptions as store errors whose messages are safe to show a client.

SQLAlchemy's messages carry the statement and its bound parameters (``[SQL: INSERT ...]
[parameters: (...)]``): the caller's data, other rows, the schema. Clients get the driver's one-line
reason; the full exception goes to the log. A value the database refuses for what it is (a data
error: NUL on PostgreSQL, a string no encoding can hold) is permanent, so it becomes
:class:`~graph.errors.StoreDataError` (4xx, never retried); everything else is an outage (503).
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DataError, DBAPIError, SQLAlchemyError, StatementError

from graph.errors import StoreDataError, StoreError

logger = logging.getLogger(__name__)

MAX_REASON = 200
# What a store call may raise besides our own errors: the driver, the network, the encoder.
DB_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, OSError, UnicodeError, ValueError)


def reason(exc: BaseException) -> str:
    """The driver's first line, without SQL or parameters."""
    inner: BaseException = exc
    if isinstance(exc, DBAPIError | StatementError) and exc.orig is not None:
        inner = exc.orig
    if isinstance(inner, SQLAlchemyError):
        return type(inner).__name__  # its text embeds the statement
    text = str(inner).strip().splitlines()
    first = text[0] if text else ""
    if first.startswith("<class '") and ">: " in first:  # asyncpg via SQLAlchemy's adapter
        first = first.split(">: ", 1)[1]
    return f"{type(inner).__name__}: {first[:MAX_REASON]}" if first else type(inner).__name__


def is_data_error(exc: BaseException) -> bool:
    """A refusal of the value itself: a rerun with the same value fails the same way (SQLSTATE
    class 22, "data exception", on PostgreSQL; an encoding failure in any driver)."""
    inner = exc.orig if isinstance(exc, DBAPIError | StatementError) else exc
    sqlstate = str(getattr(inner, "sqlstate", None) or "")
    return (
        isinstance(exc, DataError)
        or sqlstate.startswith("22")
        or isinstance(inner, UnicodeError | ValueError)
    )


def store_error(action: str, exc: BaseException) -> StoreError:
    """The error to raise for ``exc`` met while ``action`` (e.g. "writing 3 corrections")."""
    logger.warning("store: %s failed", action, exc_info=exc)
    cls = StoreDataError if is_data_error(exc) else StoreError
    return cls(f"{action} failed: {reason(exc)}")
