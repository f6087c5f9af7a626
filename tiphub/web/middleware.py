"""What every page response carries: security headers, the page language (and its cookie when
chosen with ``?lang=``). API responses under ``/api`` pass through untouched."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tiphub.web import i18n
from tiphub.web.pages import language_of, secure

API_PREFIX = "/api"
STATIC_PREFIX = "/static/"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "object-src 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
YEAR = 365 * 24 * 3600


def is_page(path: str) -> bool:
    """Whether ``path`` belongs to the web pages (not the API)."""
    return not (path == API_PREFIX or path.startswith(API_PREFIX + "/"))


class PageMiddleware:
    """Pure ASGI: sets the request's language for gettext and adds the headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_page(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        lang = language_of(request)
        chosen = request.query_params.get(i18n.LANG_PARAM)
        remember = chosen == lang and request.cookies.get(i18n.LANG_COOKIE) != lang
        static = scope["path"].startswith(STATIC_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not static:
                    headers.setdefault("Content-Language", lang)
                    headers.setdefault("Cache-Control", "no-store")
                    headers.append("Vary", "Accept-Language, Cookie, HX-Request")
                if remember:
                    flags = "; Secure" if secure(request) else ""
                    headers.append("Set-Cookie", f"{i18n.LANG_COOKIE}={lang}; Path=/; "
                                   f"Max-Age={YEAR}; SameSite=Lax{flags}")
            await send(message)

        with i18n.language(lang):
            await self.app(scope, receive, send_with_headers)
