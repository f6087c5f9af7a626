"""GET /api/v1/reports/national/{iso3} (HTML or PDF) and /reports/glotip/{iso3}.csv."""

from __future__ import annotations

import csv
import io
import os

import pytest
from conftest import World

from tiphub.reports.glotip import COLUMNS
from tiphub.reports.national import pdf_available

REQUIRE_PDF = os.environ.get("TIPHUB_REQUIRE_PDF") == "1"


def get(world: World, path: str, who: str = "viewer"):
    return world.client.get("/api/v1" + path, headers=world.headers(who))


def test_the_national_report_as_html(world: World) -> None:
    answer = get(world, "/reports/national/POL?year=2020")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert 'filename="tiphub-national-pol-2020.html"' in answer.headers["content-disposition"]
    text = answer.text
    assert "Poland" in text and "National report on trafficking in persons, 2020" in text
    for slug in ("instruments", "mechanisms", "statistics", "persons", "programmes", "coverage",
                 "indicators"):
        assert f'<section id="{slug}"' in text
    assert "Detected victims by sex and age, Poland, 2020" in text
    _, entries = world.hub.audit_log(limit=5)
    assert any(e["action"] == "report:national" and e["target_id"] == "POL" for e in entries)


@pytest.mark.skipif(not pdf_available() and not REQUIRE_PDF,
                    reason="WeasyPrint or the system's Pango is missing (TIPHUB_REQUIRE_PDF=1 fails)")
def test_the_national_report_as_pdf(world: World) -> None:
    answer = get(world, "/reports/national/POL?year=2020&format=pdf", who="analyst")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-") and len(answer.content) > 10_000
    assert 'attachment; filename="tiphub-national-pol-2020.pdf"' == answer.headers[
        "content-disposition"]


def test_the_global_report_table(world: World) -> None:
    answer = get(world, "/reports/glotip/POL.csv?year=2020")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert tuple(rows[0]) == COLUMNS
    assert {r["Iso3_code"] for r in rows} == {"POL"} and {r["Year"] for r in rows} == {"2020"}
    total = next(r for r in rows if (r["Dimension"], r["Sex"], r["Age"]) == ("Total",) * 3)
    assert total["txtVALUE"] == world.hub.stats("sex-age", country="POL", year=2020).total.display


@pytest.mark.parametrize("path, status", [
    ("/reports/national/POL", 422),  # the year is required
    ("/reports/national/POL?year=1800", 422),
    ("/reports/national/POL?year=2031", 422),
    ("/reports/national/POL?year=2020&format=docx", 422),
    ("/reports/national/Atlantis?year=2020", 404),
    ("/reports/glotip/Atlantis.csv", 404),
    ("/reports/glotip/FRA.csv", 404),  # no figures for France
    ("/reports/glotip/POL.csv?year=2019", 404),
])
def test_bad_requests(world: World, path: str, status: int) -> None:
    answer = get(world, path)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["message"]


@pytest.mark.parametrize("path", ["/reports/national/POL?year=2020", "/reports/glotip/POL.csv"])
def test_signed_in_only(world: World, path: str) -> None:
    assert get(world, path, who="anonymous").status_code == 401
