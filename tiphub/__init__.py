"""tiphub — the evidence hub against trafficking in persons.

The public surface (pinned by a test): :class:`Hub`, :class:`Settings` and the error classes.
"""

from tiphub.config import Settings
from tiphub.errors import (
    ConfigError,
    Conflict,
    DatabaseError,
    FileRejected,
    InvalidInput,
    NotFound,
    TiphubError,
)
from tiphub.hub import Hub

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Conflict",
    "DatabaseError",
    "FileRejected",
    "Hub",
    "InvalidInput",
    "NotFound",
    "Settings",
    "TiphubError",
    "__version__",
]
