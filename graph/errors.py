"""The one exception hierarchy of followfix.

Every error a caller can act on derives from :class:`FollowfixError`, so the service maps each
class to one HTTP status and the CLI to one exit message. This module imports nothing, so the
constraint library may depend on it without depending on the rest of the engine.
"""

from __future__ import annotations


class FollowfixError(Exception):
    """Root of all errors raised on purpose by followfix."""


class ConstraintError(FollowfixError):
    """A constraint spec is unusable; ``field`` names the offending part for a 422 response."""

    def __init__(self, message: str, *, constraint_id: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.constraint_id = constraint_id
        self.field = field


class UnknownConstraintError(ConstraintError):
    """The constraint id is not in the catalogue."""


class ConstraintParamError(ConstraintError):
    """A kwarg is missing, has the wrong type, or an invalid value."""


class PatternBudgetError(ConstraintParamError):
    """A regex kwarg needs more matching time than one verification may spend (a runaway pattern)."""


class DuplicateConstraintError(ConstraintError):
    """Two classes tried to register the same id (a programming error, caught at import)."""


class PluginError(ConstraintError):
    """A constraint plugin is refused at start-up: its id is taken or its class is malformed."""


class ExtractionError(FollowfixError):
    """The extractor could not produce valid constraint specs."""


class TeacherError(FollowfixError):
    """The teacher LLM could not be reached or answered unusably after all retries."""

    def __init__(self, message: str, *, attempts: int = 0, status_code: int | None = None):
        super().__init__(message)
        self.attempts = attempts
        self.status_code = status_code


class TeacherUnavailableError(TeacherError):
    """The teacher endpoint is down (connection refused, timeouts, 5xx after retries)."""


class InputFormatError(FollowfixError):
    """An input file row is malformed; the message names the row and field (``field``, where the
    input is part of a request, names it for the API's 422)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StoreError(FollowfixError):
    """The correction store failed (unreachable, migration failed, a write exhausted its retries)."""


class StoreDataError(StoreError, InputFormatError):
    """The database refused a value for what it is (NUL on PostgreSQL, an unencodable string):
    a permanent input error (4xx, never retried), not an outage."""


class RecorderStoppedError(StoreError):
    """A record was submitted to a recorder that is not running (not started, or stopping)."""
