"""The national report: sections, "no data", protected figures only, the year filter, errors,
the PDF and the command line."""

from __future__ import annotations

import builtins
import os
import re
import zlib
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from factories import encoded_csv, planted_encodings
from report_data import PLANTED, POLICE, SHELTER, ctdc_file, glotip_file
from report_scan import Scan, scan
from typer.testing import CliRunner

from tiphub import Hub, Settings
from tiphub.errors import InvalidInput, NotFound
from tiphub.reports import national
from tiphub.reports.national import PdfUnavailable, pdf_available

PARTS = ("instruments", "mechanisms", "statistics", "persons", "programmes", "coverage",
         "indicators")
HXL = ("Implementer,Code,Activity,Type,Country,Region,Start,End,Targeted,Reached\n"
       "#org+impl,#activity+code,#activity+name,#activity+type,#country+code,#adm1+name,"
       "#date+start,#date+end,#targeted,#reached\n")
LOGFRAME = ("Implementer,Programme,Code,Indicator,Level,Baseline,Baseline date,Target,"
            "Target date,Measured on,Value\n"
            "#org+impl,#activity+code,#indicator+code,#indicator+name,#indicator+type,"
            "#indicator+value+baseline,#date+baseline,#indicator+value+target,#date+target,"
            "#date+reported,#indicator+num\n"
            "shelter,S1,OC1,Survivors in stable housing,outcome,0,2022-01-01,100,2023-12-31,"
            "2022-12-01,40\n")
REQUIRE_PDF = os.environ.get("TIPHUB_REQUIRE_PDF") == "1"


def build_hub(home: Path) -> Hub:
    h = Hub(Settings(home=home, current_year=2025, rounding_base=1))
    h.add_organisation("police", "National Police", "LawEnforcement", country="POL")
    h.add_organisation("shelter", "Shelter", "NGO", country="POL")
    h.add_organisation("unodc", "UNODC data portal", "CentralGovernmentOrganisation")
    h.import_file(ctdc_file(home / "police.csv", POLICE), org="police")
    h.import_file(ctdc_file(home / "shelter.csv", SHELTER), org="shelter")
    h.import_file(glotip_file(home / "glotip.csv", "NGA", "Nigeria"), org="unodc")
    # linked encodings: 15 persons known to the police only, 15 to both, 10 to the shelter only
    encoded = planted_encodings(40, [[0]] * 15 + [[0, 1]] * 15 + [[1]] * 10)
    for party, code in enumerate(("police", "shelter")):
        path = home / f"{code}-encoded.csv"
        path.write_text(encoded_csv(encoded[party], prefix=code[0].upper()))
        h.import_file(path, org=code)
    h.link(threshold=0.8)
    status = home / "status.csv"
    status.write_text("country,instrument,signature_date,consent_date,consent_type\n"
                      "POL,palermo-trafficking,2000-12-12,2003-09-26,ratification\n"
                      "POL,untoc,2000-12-12,2001-11-12,ratification\n")
    h.import_instruments(status)
    h.update_directory_entry("rapporteur-pol", name="Rapporteur <on> trafficking",
                             kind="national_rapporteur", country="POL",
                             mandate="Monitors & reports", contact_email="info@rapporteur.example")
    programmes = home / "5w.csv"
    programmes.write_text(HXL + "\n".join([
        "shelter,S1,Safe house,shelter,POL,Masovia,2022-01-01,2022-12-31,40,30",
        "police,P1,Training of border guards,training_law_enforcement,POL,,2021-01-01,2021-06-30,100,90",
        "police,P2,Campaign,awareness_raising,POL,,2022-03-01,2022-09-30,500,450",
        "shelter,S2,Campaign,awareness_raising,POL,,2022-05-01,2022-12-31,800,700",
    ]) + "\n")
    h.import_programmes(programmes, org="shelter")
    logframe = home / "logframe.csv"
    logframe.write_text(LOGFRAME)
    h.import_indicators(logframe, org="shelter")
    return h


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with build_hub(tmp_path_factory.mktemp("national-hub")) as h:
        yield h


@pytest.fixture(scope="module")
def poland(hub: Hub, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Scan]:
    out = tmp_path_factory.mktemp("national-out")
    html = hub.national_report("POL", 2022, path=out, pdf=False)["html"].read_text("utf-8")
    return html, scan(html)


def part_text(html: str, slug: str) -> str:
    """The visible text of one part of the report (tags stripped)."""
    found = re.search(rf'<section id="{slug}"(.*?)\n</section>', html, re.S)
    assert found, f"no part {slug}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


# -- the sections ---------------------------------------------------------------------------


def test_every_section_with_a_cover_and_contents(poland: tuple[str, Scan]) -> None:
    html, report = poland
    for slug in PARTS:
        assert slug in report.ids
        assert f'href="#{slug}"' in html  # in the table of contents
    text = " ".join(report.text)
    assert "Poland" in text and "National report on trafficking in persons, 2022" in text
    assert "Prepared with tiphub" in text and "Contents" in text
    assert "Improving the coordination of efforts against trafficking in persons" in text
    headings = re.findall(r'<h2 id="[a-z]+-heading">(\d)\. ', html)
    assert headings == [str(i) for i in range(1, 8)]


def test_self_contained_and_escaped(poland: tuple[str, Scan]) -> None:
    html, report = poland
    assert all(url.startswith("#") for url in report.urls), report.urls
    assert "script" not in report.tags and "<link" not in html
    assert not re.search(r"url\((?!#)", html)  # only the charts' own hatch patterns
    assert "Rapporteur &lt;on&gt; trafficking" in html and "<on>" not in html
    assert "@page" in html and "counter(pages)" in html  # print rules for the PDF


def test_instruments_and_mechanisms(poland: tuple[str, Scan]) -> None:
    html, report = poland
    table = report.table("Status of Poland with the international instruments")
    rows = {r[0]: r for r in table.rows[1:]}
    assert rows["Palermo Trafficking Protocol"][1].startswith("Party")
    assert "26 September 2003" in rows["Palermo Trafficking Protocol"][3]
    assert rows["ILO P029"][1] == "No data"
    mechanisms = part_text(html, "mechanisms")
    assert "Monitors & reports" in mechanisms and "info@rapporteur.example" in mechanisms
    assert "Not recorded in the directory: national coordinator" in mechanisms


def test_statistics_are_the_protected_tables_of_the_year(poland: tuple[str, Scan],
                                                          hub: Hub) -> None:
    _, report = poland
    sex_age = hub.stats("sex-age", country="POL", year=2022)
    total = report.cell("Detected victims by sex and age, Poland, 2022", "Total", "Total")
    assert total == sex_age.total.display
    # the planted small count (boys known to the shelter only) is withheld, never printed
    assert report.cell("Detected victims by sex and age, Poland, 2022", "Male",
                       "Children (0–17)") == "<10"
    assert report.cell("Detected victims by form of exploitation, Poland, 2022",
                       "Forced labour", "Boys") == "<10"
    for caption in ("Detected victims by sex and age, Poland, 2022",
                    "Detected victims by form of exploitation, Poland, 2022"):
        cells = [c for row in report.table(caption).rows[1:] for c in row[1:]]
        assert str(PLANTED) not in cells


def test_persons_and_estimate_are_protected(poland: tuple[str, Scan], hub: Hub) -> None:
    html, _ = poland
    text = part_text(html, "persons")
    summary = hub.link_summary()  # the protected summary (rounded, small cells withheld)
    assert f"about {summary['persons']:,} distinct persons" in text
    assert f"about {summary['records']:,} encoded records" in text
    assert "estimate, not a count" in text or "No estimate" in text
    assert "hash" not in text.lower() and "encoded.csv" not in text  # no file names or hashes
    assert "not only of Poland" not in text  # both linked organisations are based in Poland


def test_a_link_run_beyond_the_country_says_so(hub: Hub, tmp_path: Path) -> None:
    hub.update_directory_entry("shelter", country="DEU")
    try:
        html = hub.national_report("POL", 2022, path=tmp_path, pdf=False)["html"].read_text("utf-8")
    finally:
        hub.update_directory_entry("shelter", country="POL")
    text = part_text(html, "persons")
    assert "police is based in Poland, shelter elsewhere" in text and "not only of Poland" in text


def test_programmes_by_pillar_coverage_and_indicators(poland: tuple[str, Scan]) -> None:
    html, report = poland
    pillars = report.table("Programmes and activities by pillar, Poland, 2022")
    rows = {r[0]: r for r in pillars.rows[1:]}
    assert rows["Protection and assistance"][1] == "1"
    assert rows["Prevention"][1:3] == ["2", "2"]
    assert rows["Prosecution"][1] == "0"  # the 2021 training is not active in 2022
    programmes = part_text(html, "programmes")
    assert "Training of border guards" not in programmes
    coverage = part_text(html, "coverage")
    assert "Awareness raising" in coverage or "awareness" in coverage.lower()
    assert report.table("Several organisations doing the same thing")  # the two campaigns
    indicators = part_text(html, "indicators")
    assert "Survivors in stable housing" in indicators and "Victims detected" in indicators


# -- no data ---------------------------------------------------------------------------------


def test_each_section_says_plainly_when_there_is_no_data(tmp_path: Path) -> None:
    with Hub(Settings(home=tmp_path, current_year=2025)) as empty:
        html = empty.national_report("FRA", 2022, path=tmp_path, pdf=False)["html"].read_text()
    for slug in PARTS:
        assert "No data." in part_text(html, slug), slug
    assert "France" in html and "no data." in part_text(html, "summary")


def test_a_year_without_records(hub: Hub, tmp_path: Path) -> None:
    html = hub.national_report("POL", 2019, path=tmp_path, pdf=False)["html"].read_text()
    assert "No data." in part_text(html, "statistics")
    assert "No data." in part_text(html, "programmes")


def test_the_year_filters_the_statistics(hub: Hub, tmp_path: Path) -> None:
    html = hub.national_report("POL", 2021, path=tmp_path, pdf=False)["html"].read_text()
    report = scan(html)
    total = report.cell("Detected victims by sex and age, Poland, 2021", "Total", "Total")
    assert total == hub.stats("sex-age", country="POL", year=2021).total.display
    assert "Poland, 2022" not in html
    assert "Training of border guards" in part_text(html, "programmes")


def test_a_country_with_global_report_figures_only(hub: Hub, tmp_path: Path) -> None:
    html = hub.national_report("NGA", 2022, path=tmp_path, pdf=False)["html"].read_text()
    report = scan(html)
    cell = report.cell("Detected victims by sex and age, Nigeria, 2022 (UNODC Global Report)",
                       "Male", "Children (0–17)")
    assert cell == "<5"  # UNODC's own mark stays


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("country, year, error", [("XXX", 2022, NotFound),
                                                   ("POL", 1800, InvalidInput),
                                                   ("POL", 2031, InvalidInput)])
def test_bad_country_or_year(hub: Hub, tmp_path: Path, country: str, year: int,
                             error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        hub.national_report(country, year, path=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert getattr(caught.value, "hint", None)


def test_file_names_and_targets(hub: Hub, tmp_path: Path) -> None:
    written = hub.national_report("pol", 2022, path=tmp_path / "r.html", pdf=False)
    assert written == {"html": tmp_path / "r.html"}
    written = hub.national_report("POL", 2022, path=tmp_path, pdf=False)
    assert written["html"].name == "tiphub-national-pol-2022.html"


# -- the PDF ----------------------------------------------------------------------------------


def pdf_facts(data: bytes) -> tuple[int, bytes]:
    """Page count and the decompressed object streams (WeasyPrint compresses them)."""
    parts = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    blob = b"\n".join(parts)
    return len(re.findall(rb"/Type\s*/Page\b", blob)), blob


@pytest.mark.skipif(not pdf_available() and not REQUIRE_PDF,
                    reason="WeasyPrint or the system's Pango is missing (TIPHUB_REQUIRE_PDF=1 fails)")
def test_the_pdf_is_a_real_pdf(hub: Hub, tmp_path: Path) -> None:
    written = hub.national_report("POL", 2022, path=tmp_path / "pol.pdf")
    assert written["html"] == tmp_path / "pol.html" and written["html"].exists()
    data = written["pdf"].read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages, blob = pdf_facts(data)
    assert pages >= 8  # cover, contents, then one part per page at least
    for heading in (b"1. International instruments", b"7. Indicators", b"Contents"):
        assert heading in blob  # the PDF's outline (bookmarks) has every heading
    assert not re.search(rb"https?://(?!www\.w3\.org)", blob)  # no link to anywhere


def test_missing_pango_is_a_clear_error_and_the_html_stays(
        hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_pango(name: str, *args: object, **kwargs: object) -> object:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(PdfUnavailable) as caught:
        hub.national_report("POL", 2022, path=tmp_path)
    assert "libpango-1.0-0 libpangoft2-1.0-0" in caught.value.hint
    assert "the HTML report was written" in caught.value.message
    assert (tmp_path / "tiphub-national-pol-2022.html").exists()
    assert not (tmp_path / "tiphub-national-pol-2022.pdf").exists()
    assert not national.pdf_available()


# -- the command line -------------------------------------------------------------------------


def test_cli_national_and_the_old_report_command(hub: Hub, tmp_path: Path) -> None:
    from tiphub.cli import app

    runner = CliRunner()
    home = ["--db", hub.settings.resolved_database_url(), "--home", str(tmp_path)]
    result = runner.invoke(app, [*home, "report", "national", "--country", "POL", "--year",
                                 "2022", "-o", str(tmp_path / "nat"), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "nat" / "tiphub-national-pol-2022.html").exists()
    assert not (tmp_path / "nat" / "tiphub-national-pol-2022.pdf").exists()
    result = runner.invoke(app, [*home, "report", "--country", "POL", "-o",
                                 str(tmp_path / "old.html")])
    assert result.exit_code == 0, result.output
    assert "country profile of Poland" in (tmp_path / "old.html").read_text()
    result = runner.invoke(app, [*home, "report", "national", "--country", "POL", "--year",
                                 "1800", "--no-pdf"])
    assert isinstance(result.exception, InvalidInput)  # main() prints it and exits with 2
    assert "out of range" in result.exception.message
