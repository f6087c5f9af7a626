"""The national report page: choose a country and a year, get the download links; the links
work with the session cookie."""

from __future__ import annotations

import pytest

from tiphub.reports.national import pdf_available


def test_anonymous_is_sent_to_sign_in(world) -> None:
    answer = world.client("anonymous").get("/reports/national")
    assert answer.status_code in (303, 401)


def test_the_form_and_the_nav(world) -> None:
    answer = world.client("viewer").get("/reports/national")
    assert answer.status_code == 200
    assert 'action="/reports/national"' in answer.text and 'name="year"' in answer.text
    assert 'href="/reports/national"' in answer.text  # in the navigation
    assert "Downloads for" not in answer.text


def test_choosing_a_country_and_year_gives_the_links(world) -> None:
    answer = world.client("viewer").get("/reports/national?country=GBR&year=2021")
    assert answer.status_code == 200
    text = answer.text
    assert "Downloads for United Kingdom" in text
    assert "/api/v1/reports/national/GBR?year=2021&amp;format=html" in text
    assert "/api/v1/reports/glotip/GBR.csv?year=2021" in text
    assert ("/api/v1/reports/national/GBR?year=2021&amp;format=pdf" in text) == pdf_available()


def test_a_year_without_figures_has_no_csv_link(world) -> None:
    text = world.client("viewer").get("/reports/national?country=GBR&year=2019").text
    assert "No figures of detected victims for 2019" in text
    assert "/api/v1/reports/glotip/GBR.csv?year=2019" not in text
    assert "/api/v1/reports/national/GBR?year=2019&amp;format=html" in text


@pytest.mark.parametrize("query, field", [("country=Atlantis&year=2021", "country-error"),
                                          ("country=GBR&year=1800", "year-error"),
                                          ("country=GBR&year=soon", "year-error"),
                                          ("country=GBR", "year-error")])
def test_bad_choices_are_explained(world, query: str, field: str) -> None:
    answer = world.client("viewer").get(f"/reports/national?{query}")
    assert answer.status_code == 422
    assert f'id="{field}"' in answer.text and "Downloads for" not in answer.text


def test_the_links_work_with_the_session(world) -> None:
    client = world.client("analyst")
    html = client.get("/api/v1/reports/national/GBR?year=2021&format=html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "United Kingdom" in html.text and "National report on trafficking in persons, 2021" in html.text
    table = client.get("/api/v1/reports/glotip/GBR.csv?year=2021")
    assert table.status_code == 200 and table.text.startswith("Iso3_code,Country,Region")
    assert "\n" in table.text and ",4," not in table.text  # the 4 boys stay withheld
