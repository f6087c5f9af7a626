"""The dashboard: six protected tables with their charts, filters, htmx and downloads."""

from __future__ import annotations

import re

from factories import glotip_csv


def totals(html: str, table: str) -> str:
    """The grand total printed in the footer of a dashboard table."""
    block = html.split(f'id="{table}-caption"')[1].split("</table>")[0]
    return re.findall(r"<td>([^<]+)</td>", block.split("<tfoot>")[1])[-1]


def test_dashboard_shows_six_tables_with_charts_labelled_as_detected(world) -> None:
    html = world.client("viewer").get("/dashboard").text
    for slug in ("sex-age", "forms", "means", "recruiters", "flows", "trends", "by-organisation",
                 "by-data-source"):
        assert f'id="{slug}-heading"' in html, slug
    assert html.count('<svg class="chart') >= 5 and 'role="img"' in html
    assert "These are detected victims, not the number of victims." in html
    assert "a cell under 10 shows as “&lt;10”" in html
    assert "Detected victims by sex and age" in html and "Completeness" in html
    assert totals(html, "sex-age") == "66"
    assert "Police North (police)" in html  # the breakdown by organisation names them


def test_dashboard_filters_by_country_year_and_region(world) -> None:
    client = world.client("analyst")
    poland = client.get("/dashboard?country=POL").text
    britain = client.get("/dashboard?country=GBR").text
    assert totals(poland, "sex-age") == "42" and totals(britain, "sex-age") == "24"
    assert "Detected victims by sex and age — United Kingdom" in britain
    assert '<option value="GBR" selected>' in britain
    year = client.get("/dashboard?year=2021").text
    assert totals(year, "sex-age") == "24" and 'value="2021"' in year
    both = client.get("/dashboard?country=POL&year=2022").text
    assert totals(both, "sex-age") == "12"
    assert totals(client.get("/dashboard?region=Europe").text, "sex-age") == "66"
    africa = client.get("/dashboard?region=Africa").text
    assert "No record holds this information." in africa and "<svg" not in africa
    assert "country=POL&amp;year=2022&amp;format=csv" in both


def test_dashboard_tells_what_is_wrong_with_a_filter(world) -> None:
    client = world.client("analyst")
    for query, message in (("year=20x1", "The year is a number"), ("country=XXX", "Choose a country"),
                           ("region=Atlantis", "Choose a region")):
        answer = client.get(f"/dashboard?{query}")
        assert answer.status_code == 422 and message in answer.text, query


def test_htmx_gets_only_the_dashboard_body(world) -> None:
    answer = world.client("analyst").get("/dashboard?country=GBR",
                                         headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert answer.text.lstrip().startswith('<div id="dashboard-body"')
    assert "<html" not in answer.text and "<svg" in answer.text
    assert "HX-Request" in answer.headers["Vary"]
    form = world.client("analyst").get("/dashboard").text
    assert 'hx-get="/dashboard"' in form and 'hx-push-url="true"' in form
    assert 'hx-target="#dashboard-body"' in form and 'method="get" action="/dashboard"' in form


def test_download_links_point_at_the_api_and_work_with_the_cookie(world) -> None:
    client = world.client("viewer")
    html = client.get("/dashboard?country=POL").text
    links = re.findall(r'href="(/api/v1/stats/[^"]+format=csv)"', html)
    assert len(links) >= 6 and any("by=organisation" in link for link in links)
    csv = client.get(links[0].replace("&amp;", "&"))
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("Sex,")


def test_withheld_cells_keep_their_mark_and_get_no_bar(world) -> None:
    html = world.client("viewer").get("/dashboard?country=GBR").text
    grid = html.split('id="sex-age-caption"')[1].split("</table>")[0]
    assert 'class="withheld"><abbr title="withheld to protect the people counted">&lt;10</abbr>' in grid
    forms = html.split('id="forms-heading"')[1].split("</section>")[0]
    assert "(withheld)" in forms and "url(#chart-forms-hatch)" in forms
    assert ">4<" not in html  # the four boys are nowhere, not even in a chart


def test_a_country_with_only_global_report_figures(world) -> None:
    row = ["NGA", "Nigeria", "Africa", "Sub-Saharan Africa", "Detected trafficking victims",
           "Total", "Total", "{sex}", "0 to 17 years", "2022", "Counts", "{value}", "Nat. data"]
    rows = [",".join(row).format(sex="Female", value="120").split(","),
            ",".join(row).format(sex="Male", value="<5").split(",")]
    (world.home / "glotip.csv").write_text(glotip_csv(rows))
    world.hub.import_file(world.home / "glotip.csv", org="shelter")
    client = world.signed_in("analyst")
    html = client.get("/dashboard?country=NGA").text
    assert "These figures come from UNODC's Global Report table" in html
    assert "From UNODC&#39;s Global Report table for NGA, 2022" in html
    assert "&lt;5" in html  # UNODC's own mark
    breakdown = html.split('id="by-organisation-heading"')[1].split("</section>")[0]
    assert "Not available for these filters." in breakdown and "no breakdown by organisation" in breakdown
    french = client.get("/dashboard?country=NGA&lang=fr").text
    assert "Tableau du Rapport mondial de l’ONUDC pour NGA, 2022" in french
    assert "Victimes détectées par sexe et âge — Nigeria" in french
    reason = french.split('id="by-organisation-heading"')[1].split("</section>")[0]
    assert '<span class="detail" lang="en">' in reason  # the core's reason, marked as English
