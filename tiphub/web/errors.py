"""Errors on pages: a friendly page with the right status instead of the API's JSON body.

The API's handlers stay in place; these wrap them and answer for page paths only. 401 sends
the browser to the sign-in page; no error page ever shows a value sent in the request or a
person's data (the core's messages never hold them either).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from tiphub.api.deps import SESSION_COOKIE
from tiphub.errors import TiphubError
from tiphub.web import i18n
from tiphub.web.deps import maybe_signed_in
from tiphub.web.i18n import N_, _
from tiphub.web.middleware import SECURITY_HEADERS, is_page
from tiphub.web.pages import is_htmx, language_of, render

log = logging.getLogger("tiphub.web")
Handler = Callable[[Request, Exception], Response | Awaitable[Response]]

TITLES = {
    400: N_("The request could not be read"),
    401: N_("Please sign in"),
    403: N_("You do not have access to this page"),
    404: N_("Page not found"),
    405: N_("This page does not accept that request"),
    409: N_("This conflicts with what is stored"),
    422: N_("Something in the request is not valid"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong"),
    503: N_("The hub is unavailable"),
}
EXPLANATIONS = {
    403: N_("Your role does not allow this. Ask an administrator of your organisation for the "
            "right role."),
    404: N_("There is nothing at this address, or it is not visible to you."),
    405: N_("Use the links and buttons of the pages rather than typing the address."),
    500: N_("The error was recorded in the server log. Nothing was half-written: try again, "
            "and tell an administrator if it happens again."),
    503: N_("The database cannot be reached or needs an upgrade. Tell an administrator."),
}
CSRF_TEXT = N_("The form has expired or did not come from this site. Go back, reload the page "
               "and send the form again.")


def error_page(request: Request, status: int, message: str | None = None,
               hint: str | None = None, fields: list[str] | None = None) -> Response:
    """The error page (or, for 401, the way to the sign-in page)."""
    if status == 401:
        return to_sign_in(request)
    _recognise(request)
    title = _(TITLES.get(status, TITLES[500 if status >= 500 else 400]))
    text = _(EXPLANATIONS[status]) if status in EXPLANATIONS else None
    request.state.error_page = True  # links on the page do not repeat what was sent
    if message and message.startswith("missing or wrong CSRF token"):
        text, message, hint = _(CSRF_TEXT), None, None
    return render(request, "error.html", status=status, title=title, text=text,
                  message=message, hint=hint, fields=fields or [])


def _recognise(request: Request) -> None:
    """Who is signed in, for the page's header, when the error came before the route knew."""
    if getattr(request.state, "principal", None) is None and request.cookies.get(SESSION_COOKIE):
        maybe_signed_in(request, request.app.state.hub, None)


def to_sign_in(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = "/login" + (f"?next={quote(target, safe='')}"
                           if request.method == "GET" and target != "/" else "")
    if is_htmx(request):
        response: Response = Response(status_code=200, headers={"HX-Redirect": location})
    else:
        response = RedirectResponse(location, status_code=303)
    if request.cookies.get(SESSION_COOKIE):
        response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _for_pages(original: Handler | None, page: Callable[[Request, Any], Response]) -> Handler:
    async def handler(request: Request, exc: Exception) -> Response:
        if is_page(request.url.path):
            with i18n.language(language_of(request)):
                return page(request, exc)
        if original is None:
            raise exc
        result = original(request, exc)
        return await result if inspect.isawaitable(result) else result

    return handler


def _tiphub(request: Request, exc: TiphubError) -> Response:
    return error_page(request, exc.http_status, exc.message, exc.hint)


def _invalid(request: Request, exc: RequestValidationError) -> Response:
    fields = sorted({".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
                     for e in exc.errors()})
    return error_page(request, 422, fields=fields)


def _http(request: Request, exc: HTTPException) -> Response:
    return error_page(request, exc.status_code)


def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("internal error %s on %s %s", type(exc).__name__, request.method, request.url.path)
    response = error_page(request, 500)
    response.headers.update(SECURITY_HEADERS)  # answered outside PageMiddleware
    return response


def install(app: FastAPI) -> None:
    """Answer errors on page paths with pages; the API keeps its own handlers."""
    for kind, page in ((TiphubError, _tiphub), (RequestValidationError, _invalid),
                       (HTTPException, _http), (Exception, _unexpected)):
        app.add_exception_handler(kind, _for_pages(app.exception_handlers.get(kind), page))
