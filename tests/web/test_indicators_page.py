"""The indicators page: programme indicators with baseline, target, latest value, a progress bar
and a status in words; the import form for stewards; the country indicators of a country."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import Page, form_token
from factories import glotip_csv

from tiphub.demo.logframes import month

PROGRAMMES = ("Code,Activity,Type,Country\n#activity+code,#activity+name,#activity+type,"
              "#country+code\nP-TRAIN,Training of investigators,training_law_enforcement,GBR\n")
HEAD = ("Programme,Code,Indicator,Level,Baseline,Baseline date,Target,Target date,Measured,"
        "Value,Sex,Age\n#activity+code,#indicator+code,#indicator+name,#indicator+type,"
        "#indicator+value+baseline,#date+baseline,#indicator+value+target,#date+target,"
        "#date+reported,#indicator+num,#beneficiary+sex,#beneficiary+age\n")


def logframe() -> str:
    m = lambda k: month(k).isoformat()  # noqa: E731
    return HEAD + "\n".join([
        f"P-TRAIN,A,Officers trained,output,0,{m(-24)},300,{m(-3)},{m(-4)},320,,",
        f"P-TRAIN,B,Days to a decision,outcome,45,{m(-12)},5,{m(12)},{m(-1)},32,,",
        f"P-TRAIN,C,Victims referred,output,0,{m(-18)},400,{m(6)},{m(-1)},268,,",
        f"P-TRAIN,C,,,,,,,{m(-1)},150,female,adults",
        f"P-TRAIN,D,Survivors in contact,outcome,40,{m(-18)},70,{m(6)},{m(-1)},50,,",
        f"P-TRAIN,E,Prosecutors trained,output,0,{m(-2)},100,{m(10)},,,,",
        f"P-TRAIN,F,Referrals by trained officers,outcome,0,{m(2)},60,{m(14)},,,,",
    ]) + "\n"


@pytest.fixture(scope="module")
def loaded(world):
    (world.home / "p.csv").write_text(PROGRAMMES)
    world.hub.import_programmes(world.home / "p.csv", org="police")
    (world.home / "lf.csv").write_text(logframe())
    world.hub.import_indicators(world.home / "lf.csv", org="police")
    return world


def test_every_status_shows_in_words_with_a_progress_bar(loaded) -> None:
    answer = loaded.client("viewer").get("/indicators")
    assert answer.status_code == 200
    html = answer.text
    for words in ("Achieved", "On track", "At risk", "Off track", "No data", "Not started"):
        assert f'">{words}</span>' in html, words
    page = Page(html)
    bars = [a for tag, a in page.elements if tag == "svg" and "progress-bar" in a.get("class", "")]
    assert len(bars) == 4 and all(b["role"] == "img" and "of the way" in b["aria-label"]
                                  for b in bars)
    assert "status-at_risk" in html and " style=" not in html
    assert "Training of investigators" in html and "Officers trained" in html
    assert "female, adults: 150" in html  # the latest values by sex and age
    assert '<a href="/indicators"' in html  # in the navigation
    assert "Import indicators" not in html  # a viewer is offered no import form
    assert page.headings.count(1) == 1


def test_filters_and_the_country_indicators(loaded) -> None:
    rows = [["GBR", "United Kingdom", "Europe", "Northern Europe", "Persons convicted", "Total",
             "Total", "Total", "Total", "2021", "Counts", "<5", "National authorities"],
            ["GBR", "United Kingdom", "Europe", "Northern Europe", "Persons prosecuted", "Total",
             "Total", "Total", "Total", "2021", "Counts", "87", "National authorities"]]
    (loaded.home / "gr.csv").write_text(glotip_csv(rows))
    loaded.hub.import_file(loaded.home / "gr.csv", org="shelter")
    client = loaded.client("analyst")
    html = client.get("/indicators?country=GBR").text
    assert "Country indicators — United Kingdom" in html
    table = html.split('id="country-caption"')[1].split("</table>")[0]
    headers = re.findall(r'<th scope="col">([^<]+)', table)
    assert headers == ["Year", "Victims detected", "Persons prosecuted", "Persons convicted"]
    assert "case records in the hub" in table and "UNODC Global Report" in table
    row = table.split('<th scope="row">2021</th>')[1].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[0] == "24" and cells[1] == "87"  # the 20 men and 4 boys of 2021 in records
    assert 'class="withheld"' in row and "&lt;5</abbr>" in cells[2]
    assert "National authorities" in html  # the Global Report's own source
    one_year = client.get("/indicators?country=GBR&year=2020").text
    assert ">87<" not in one_year
    assert "No indicator matches these filters." in client.get("/indicators?country=POL").text
    assert client.get("/indicators?country=GBR&year=20x0").status_code == 422
    french = client.get("/indicators?country=GBR&lang=fr")
    assert french.status_code == 200


def test_a_steward_imports_and_sees_every_problem(loaded) -> None:
    client = loaded.client("steward")
    page = client.get("/indicators").text
    assert "Import indicators" in page
    token = form_token(client, "/indicators")
    bad = HEAD + f"P-TRAIN,Z,Secret name,output,,{date(2024, 1, 1)},5,2025-01-01,,,,\n"
    answer = client.post("/indicators/import", data={"csrf_token": token, "org": "police"},
                         files={"file": ("lf.csv", bad.encode(), "text/csv")})
    assert answer.status_code == 422
    assert "Problems found: nothing was stored" in answer.text and "no-baseline" in answer.text
    assert "Secret name" not in answer.text
    good = client.post("/indicators/import", data={"csrf_token": token, "org": "police"},
                       files={"file": ("lf.csv", logframe().encode(), "text/csv")})
    assert good.status_code == 200 and "Import done" in good.text
    none = client.post("/indicators/import", data={"csrf_token": token, "org": "police"})
    assert none.status_code == 422


def test_who_may_import(loaded) -> None:
    viewer = loaded.client("viewer")
    token = form_token(viewer, "/indicators")
    answer = viewer.post("/indicators/import", data={"csrf_token": token, "org": "police"},
                         files={"file": ("lf.csv", logframe().encode(), "text/csv")})
    assert answer.status_code == 403
    other = loaded.client("other_steward")  # a steward of the shelter, not of the police
    token = form_token(other, "/indicators")
    answer = other.post("/indicators/import", data={"csrf_token": token, "org": "police"},
                        files={"file": ("lf.csv", logframe().encode(), "text/csv")})
    assert answer.status_code == 403
    assert loaded.fresh().get("/indicators").status_code in (302, 303, 307)


def test_the_page_is_accessible(loaded) -> None:
    for who in ("steward", "hub_admin"):
        page = Page(loaded.client(who).get("/indicators?country=GBR").text)
        for before, after in zip(page.headings, page.headings[1:], strict=False):
            assert after <= before + 1
        labels = {attrs.get("for") for attrs in page.all("label")}
        for tag, attrs in page.elements:
            if tag in {"input", "select"} and attrs.get("type") not in {"hidden", "submit"}:
                assert attrs.get("id") in labels, attrs
        assert len(page.all("caption")) == len(page.all("table"))
        assert all(th.get("scope") in ("col", "row") for th in page.all("th"))


def test_the_reasons_are_in_the_page_s_language(loaded) -> None:
    from tiphub.coordination.indicators import REASONS
    from tiphub.web.routes.indicators import REASON_TEXTS

    assert REASON_TEXTS == REASONS  # the pages translate exactly what the core says
    english = loaded.client("viewer").get("/indicators").text
    assert "of the way done where" in english and "is still to come" in english
    french = loaded.client("viewer").get("/indicators?lang=fr").text
    assert "of the way done" not in french and "still to come" not in french
    from babel.dates import format_date

    assert "du chemin parcouru, là où" in french
    assert format_date(month(2), format="medium", locale="fr") in french  # dates in French too
