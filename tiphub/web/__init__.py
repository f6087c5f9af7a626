"""The web pages of the shared service: server-rendered (Jinja2), htmx for partial updates,
charts as inline SVG, every string through gettext.

:func:`tiphub.api.create_app` calls :func:`mount`, so one app serves the API under ``/api/v1``,
the pages at ``/`` and their assets at ``/static``:

>>> app = create_app(hub)   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def mount(app: FastAPI) -> None:
    """Add the pages, their static files, their error pages and headers to the API's app."""
    # imported here: the pages use tiphub.api's dependencies, and tiphub.api imports this module
    from tiphub.web import errors, i18n
    from tiphub.web.middleware import PageMiddleware
    from tiphub.web.routes import account, admin, dashboard, data, estimates, members, persons, public
    from tiphub.web.routes import coordination as coordination_pages
    from tiphub.web.routes import coverage as coverage_pages
    from tiphub.web.routes import indicators as indicator_pages
    from tiphub.web.routes import instruments as instrument_pages
    from tiphub.web.routes import national as national_pages
    from tiphub.web.routes import releases as release_pages

    for lang in i18n.available():  # compile the catalogues now: a broken .po fails at start
        i18n.translations(lang)
    pages = APIRouter(include_in_schema=False)
    for module in (public, dashboard, data, account, admin, members, persons, estimates,
                   coordination_pages, indicator_pages, instrument_pages,
                   coverage_pages, release_pages, national_pages):
        pages.include_router(module.router)
    app.include_router(pages)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(PageMiddleware)


__all__ = ["mount"]
