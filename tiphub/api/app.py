"""The FastAPI application: the Hub behind a REST API under /api/v1."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from tiphub import __version__
from tiphub.api import errors
from tiphub.api.models import Health
from tiphub.api.routes import (
    admin,
    auth,
    coordination,
    coverage,
    data,
    estimates,
    indicators,
    instruments,
    linkage,
    national,
    organisations,
    releases,
    submissions,
)
from tiphub.config import Settings
from tiphub.hub import Hub
from tiphub.web import mount as mount_pages

API = "/api/v1"


def create_app(hub: Hub | None = None, *, settings: Settings | None = None) -> FastAPI:
    """An app serving ``hub`` (default: a Hub on ``settings`` or the environment)."""
    hub = hub or Hub(settings)
    app = FastAPI(
        title="tiphub",
        version=__version__,
        summary="The evidence hub against trafficking in persons.",
        openapi_url=f"{API}/openapi.json",
        docs_url=None,  # served below from vendored assets: no CDN
        redoc_url=None,
    )
    app.state.hub = hub
    errors.install(app)
    api = APIRouter(prefix=API, responses={
        status: {"model": errors.ErrorBody, "description": text}
        for status, text in errors.DOCUMENTED.items()})

    @api.get("/health", response_model=Health, tags=["service"])
    def health() -> Health:
        """Liveness: answers without touching the database."""
        return Health(status="ok", version=__version__)

    for module in (auth, organisations, submissions, data, linkage, estimates, coordination,
                   coverage, indicators, instruments, releases, national, admin):
        api.include_router(module.router)
    app.include_router(api)
    mount_pages(app)  # the web pages at /, their assets at /static
    _docs(app)
    return app


def _docs(app: FastAPI) -> None:
    """The interactive API documentation, with Swagger UI served from the package."""
    static = resources.files("tiphub.api") / "static"
    app.mount(f"{API}/static", StaticFiles(directory=str(static)), name="api-static")

    @app.get(f"{API}/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{API}/openapi.json", title="tiphub API",
            swagger_js_url=f"{API}/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{API}/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{API}/static/swagger-ui/favicon-32x32.png")


def app_from_environment() -> FastAPI:
    """For ``uvicorn --factory``: settings from TIPHUB_* variables, checked for serving."""
    settings = Settings()
    settings.check_for_serving()
    return create_app(settings=settings)
