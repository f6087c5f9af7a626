"""Rendering a page: the Jinja2 environment (with gettext), what every page knows about the
request (language, who is signed in, the CSRF token, the navigation), and the response.

>>> render(request, "index.html", releases=[])   # doctest: +SKIP
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from tiphub import __version__
from tiphub.accounts import Principal, allowed
from tiphub.api.deps import SESSION_COOKIE
from tiphub.web import i18n
from tiphub.web.i18n import _
from tiphub.web.views import template_globals

FORM_COOKIE = "tiphub_form"  # double-submit token of the forms used before signing in
NAV = (  # (path, label, action the user needs in some organisation; None: any member)
    ("/dashboard", i18n.N_("Dashboard"), None),
    ("/upload", i18n.N_("Upload"), "imports:create"),
    ("/submissions", i18n.N_("Submissions"), "submissions:read"),
    ("/records", i18n.N_("Case records"), "records:read"),
    ("/persons", i18n.N_("Distinct persons"), "linkage:read"),
    ("/estimate", i18n.N_("Estimate"), "estimates:run"),
    ("/releases", i18n.N_("Releases"), None),
    ("/programmes", i18n.N_("Programmes"), "programmes:read"),
    ("/coverage", i18n.N_("Coverage and gaps"), "programmes:read"),
    ("/indicators", i18n.N_("Indicators"), "programmes:read"),
    ("/directory", i18n.N_("Directory"), None),
    ("/instruments", i18n.N_("Instruments"), None),
    ("/reports/national", i18n.N_("National report"), "reports:read"),
    ("/account", i18n.N_("Account"), None),
    ("/admin", i18n.N_("Administration"), "users:manage"),
)


def may(principal: Principal | None, action: str) -> bool:
    """Whether ``principal`` may do ``action`` in at least one of its organisations (or at
    all, for hub-wide actions) — to decide what to offer, never to enforce: the Hub does."""
    if principal is None:
        return False
    return allowed(principal, action) or any(allowed(principal, action, org)
                                             for org in principal.organisations)


@dataclass
class Page:
    """What the base template needs about the request."""

    request: Request
    lang: str
    principal: Principal | None
    csrf: str | None
    nav: list[tuple[str, str]] = field(default_factory=list)

    @property
    def dir(self) -> str:
        return i18n.direction(self.lang)

    @property
    def path(self) -> str:
        return self.request.url.path

    def languages(self) -> list[tuple[str, str, str]]:
        """(code, name in that language, link to this page in it) for the switcher."""
        query = {} if getattr(self.request.state, "error_page", False) else {
            k: v for k, v in self.request.query_params.items() if k != i18n.LANG_PARAM}
        return [(code, i18n.display_name(code),
                 f"{self.path}?{urlencode({**query, i18n.LANG_PARAM: code})}")
                for code in i18n.available()]

    def form_token(self) -> str:
        """The CSRF token for a form: the session's, or before signing in a double-submit
        token kept in a cookie."""
        if self.csrf:
            return self.csrf
        token = self.request.cookies.get(FORM_COOKIE)
        if not token:
            token = getattr(self.request.state, "new_form_token", None) or secrets.token_urlsafe(32)
            self.request.state.new_form_token = token
        return token


def page(request: Request) -> Page:
    lang = language_of(request)
    i18n.activate(lang)
    principal = getattr(request.state, "principal", None)
    nav = [(path, _(label)) for path, label, action in NAV
           if principal is not None and (action is None or may(principal, action))]
    return Page(request, lang, principal, getattr(request.state, "csrf", None), nav)


def language_of(request: Request) -> str:
    return i18n.negotiate(request.query_params.get(i18n.LANG_PARAM),
                          request.cookies.get(i18n.LANG_COOKIE),
                          request.headers.get("accept-language"))


def secure(request: Request) -> bool:
    hub = getattr(request.app.state, "hub", None)
    return bool(hub and hub.settings.behind_tls) or request.url.scheme == "https"


# -- Jinja2 -------------------------------------------------------------------------------


def _gettext(message: str) -> str:
    return i18n.translations(i18n.current()).gettext(message)


def _ngettext(singular: str, plural: str, num: int) -> str:
    return i18n.translations(i18n.current()).ngettext(singular, plural, num)


def when(moment: datetime | None) -> str:
    """A date and time in the page's language."""
    if moment is None:
        return "–"
    return format_datetime(moment, format="medium", locale=i18n.locale(i18n.current()))


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("tiphub.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(core=i18n.core, number=i18n.number, percent=i18n.percent, when=when,
                       version=__version__, **template_globals())
    return env


def render(request: Request, template: str, status: int = 200,
           headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    """Render ``template`` for ``request`` in its language."""
    info = page(request)
    html = environment().get_template(template).render(page=info, **context)
    response = HTMLResponse(html, status_code=status, headers=headers)
    if getattr(request.state, "stale_session", False):
        response.delete_cookie(SESSION_COOKIE, path="/")
    new_token = getattr(request.state, "new_form_token", None)
    if new_token:
        response.set_cookie(FORM_COOKIE, new_token, httponly=True, samesite="strict", path="/",
                            secure=secure(request))
    return response


def is_htmx(request: Request) -> bool:
    """A request made by htmx to swap part of the page (not a history restore)."""
    return (request.headers.get("hx-request") == "true"
            and request.headers.get("hx-history-restore-request") != "true")
