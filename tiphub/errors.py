"""The error tree. Each class knows its HTTP status and its process exit code.

Messages say what went wrong, where, and how to fix it — and never contain a value a person
typed into a case record (values are personal data; names of files, rows and columns are not).
"""

from __future__ import annotations


class TiphubError(Exception):
    """Base of every error tiphub raises on purpose."""

    http_status = 500
    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class ConfigError(TiphubError):
    """A setting is missing or invalid."""

    http_status = 500
    exit_code = 78


class NotFound(TiphubError):
    """An organisation, submission or table that does not exist."""

    http_status = 404
    exit_code = 4


class Unauthorized(TiphubError):
    """No valid sign-in: missing, expired or revoked session or token, or wrong credentials."""

    http_status = 401
    exit_code = 77


class Forbidden(TiphubError):
    """Signed in, but the role does not allow this."""

    http_status = 403
    exit_code = 77


class TooManyAttempts(TiphubError):
    """Sign-in is locked or rate-limited for a while."""

    http_status = 429
    exit_code = 75


class Conflict(TiphubError):
    """The request contradicts what is stored (a duplicate code, a replaced submission)."""

    http_status = 409
    exit_code = 5


class InvalidInput(TiphubError):
    """A parameter is outside the accepted values."""

    http_status = 422
    exit_code = 2


class FileRejected(TiphubError):
    """A whole file cannot be read (empty, wrong format, truncated, unknown profile).

    Nothing from the file is stored.
    """

    http_status = 422
    exit_code = 65

    def __init__(self, message: str, *, file: str, hint: str | None = None,
                 problems: list | None = None) -> None:
        super().__init__(f"{file}: {message}", hint=hint)
        self.file = file
        self.problems = problems or []  # tiphub.records.Problem, one per row and column


class DatabaseError(TiphubError):
    """The database could not be opened or is at the wrong schema revision."""

    http_status = 503
    exit_code = 69
