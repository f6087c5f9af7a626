"""The interactive API documentation renders in a real browser, from the package alone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_api_documentation_renders_offline(page, site) -> None:
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(state="visible")
    assert page.locator(".swagger-ui .opblock").count() >= 20  # one block per operation
    assert "tiphub" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.outside == [], "the documentation page asked for something outside the hub"


def test_try_an_operation_from_the_documentation(page, site) -> None:
    page.goto("/api/v1/docs")
    health = page.locator(".opblock", has=page.locator("[data-path='/api/v1/health']"))
    health.locator(".opblock-summary").click()
    health.locator("button.try-out__btn").click()
    health.locator("button.execute").click()
    status = health.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(state="visible")
    assert status.inner_text().strip().startswith("200")
    assert page.outside == []
