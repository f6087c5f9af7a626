"""The HTTP API (FastAPI) over the Hub."""

from tiphub.api.app import create_app

__all__ = ["create_app"]
