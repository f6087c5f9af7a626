"""One error body for every failure, translated once here from the core's errors.

``{"error": {"type": "NotFound", "message": "...", "hint": "...", "fields": [...]}}`` — the
message never holds a person's data, and unexpected errors say only that they happened.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.routing import Match

from tiphub.errors import TiphubError

log = logging.getLogger("tiphub.api")


#: statuses any route may answer with the error body
DOCUMENTED = {
    400: "The request could not be read (malformed body)",
    401: "Not signed in, or the token is unknown, expired or revoked",
    403: "Signed in, but the role or the token's scopes do not allow it",
    404: "No such resource",
    409: "Conflicts with what is stored",
    422: "A parameter or a file is not valid; nothing was stored",
    429: "Too many failed sign-ins; wait",
    500: "Internal error; nothing was half-written",
    503: "The database is unavailable or at the wrong schema revision",
}


class ErrorDetail(BaseModel):
    type: str
    message: str
    hint: str | None = None
    fields: list[str] | None = None
    problems: list[dict] | None = None  # a rejected file's problems: row, column, rule, accepted


class ErrorBody(BaseModel):
    error: ErrorDetail


def body(status: int, type_: str, message: str, hint: str | None = None,
         fields: list[str] | None = None, headers: dict[str, str] | None = None,
         problems: list[dict] | None = None) -> JSONResponse:
    detail = ErrorDetail(type=type_, message=message, hint=hint, fields=fields, problems=problems)
    return JSONResponse(ErrorBody(error=detail).model_dump(exclude_none=True), status_code=status,
                        headers=headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route answers on the request's path (``Allow`` of a 405)."""
    routes = request.app.router.routes
    return [method for method in _METHODS
            if any(route.matches({**request.scope, "method": method})[0] is Match.FULL
                   for route in routes)]


def install(app: FastAPI) -> None:
    @app.exception_handler(TiphubError)
    async def _tiphub(request: Request, exc: TiphubError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
        problems = [p.model_dump(mode="json") for p in getattr(exc, "problems", None) or []]
        return body(exc.http_status, type(exc).__name__, exc.message, exc.hint, headers=headers,
                    problems=problems or None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # name the fields, never echo the values sent
        fields = sorted({".".join(str(p) for p in e.get("loc", ()) if p != "body")
                         for e in exc.errors()})
        return body(422, "InvalidInput", "the request is not valid", fields=fields,
                    hint="see the API documentation at /api/v1/docs")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        names = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
                 405: "MethodNotAllowed"}
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # Starlette names only the first route's methods on the path
            headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
        return body(exc.status_code, names.get(exc.status_code, "HTTPError"), str(exc.detail),
                    headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error %s on %s %s", type(exc).__name__, request.method,
                  request.url.path)  # the type only: messages may carry personal data
        return body(500, "InternalError", "internal error; nothing was half-written",
                    hint="the server log names the error type")
