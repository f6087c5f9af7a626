"""The self-contained HTML report, written from a small hub built by the tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from report_data import PLANTED, POLICE, SHELTER, ctdc_file, glotip_file
from report_scan import Scan, scan

from tiphub import Hub, NotFound, Settings
from tiphub.reports import write_report

CAPTIONS = (
    "Detected victims by sex and age, Poland",
    "Detected victims by form of exploitation, Poland",
    "Detected victims by means of control, Poland",
    "Detected victims by relation to the recruiter, Poland",
    "Detected victims by origin and flow, Poland",
    "Detected victims by year of registration, Poland",
    "Detected victims by sex and age, Poland, by organisation",
    "Detected victims by sex and age, Poland, by data source",
)


def build_hub(home: Path, rounding_base: int) -> Hub:
    h = Hub(Settings(home=home, current_year=2025, rounding_base=rounding_base))
    h.add_organisation("police", "National Police", "LawEnforcement")
    h.add_organisation("shelter", "Shelter <b>for</b> \"all\" & <script>x()</script>", "NGO")
    h.add_organisation("unodc", "UNODC data portal", "CentralGovernmentOrganisation")
    h.import_file(ctdc_file(home / "police.csv", POLICE), org="police")
    h.import_file(ctdc_file(home / "shelter.csv", SHELTER), org="shelter")
    h.import_file(glotip_file(home / "glotip.csv", "NGA", "Nigeria"), org="unodc")
    return h


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """Two organisations' case records for Poland (and a few for the UK), and the Global
    Report table for Nigeria — with exact counts (rounding_base=1) so tests can read figures."""
    with build_hub(tmp_path_factory.mktemp("report-hub"), rounding_base=1) as h:
        yield h


@pytest.fixture(scope="module")
def rounded_poland(tmp_path_factory: pytest.TempPathFactory) -> Scan:
    """The same data with the default protection: suppression plus secret rounding."""
    with build_hub(tmp_path_factory.mktemp("rounded-hub"), rounding_base=5) as h:
        return scan(h.report(country="POL").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def poland(hub: Hub) -> str:
    return hub.report(country="POL").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def poland_scan(poland: str) -> Scan:
    return scan(poland)


# -- self-contained -----------------------------------------------------------------------


def test_report_is_written_where_the_hub_says(hub: Hub) -> None:
    path = hub.report(country="POL")
    assert path == hub.settings.home / "reports" / "tiphub-pol.html"
    assert path.is_file() and path.stat().st_size > 10_000


def test_report_fetches_nothing(poland: str, poland_scan: Scan) -> None:
    assert "http://" not in poland and "https://" not in poland
    assert all(url.startswith("#") for url in poland_scan.urls)
    assert not poland_scan.tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert "@import" not in poland and "@font-face" not in poland
    assert all(ref.startswith("#") for ref in re.findall(r"url\(([^)]*)\)", poland))


def test_report_has_charts_tables_and_captions(poland: str, poland_scan: Scan) -> None:
    assert "<svg" in poland
    captions = [t.caption for t in poland_scan.tables]
    for caption in CAPTIONS:
        assert caption in captions
    assert "detected victims, not the number of victims" in poland


# -- protection ---------------------------------------------------------------------------


def test_small_cells_show_the_mark(poland: str, poland_scan: Scan) -> None:
    assert "&lt;10" in poland
    assert poland_scan.cell(CAPTIONS[0], "Male", "Children (0–17)") == "<10"
    assert poland_scan.cell(CAPTIONS[1], "Forced labour", "Boys") == "<10"
    assert poland_scan.cell(CAPTIONS[4], "Nepal", "Total") == "<10"


def test_planted_small_count_is_never_printed(poland_scan: Scan) -> None:
    # the seven boys known to the shelter alone: no text, tooltip or chart description says 7
    assert PLANTED not in poland_scan.numbers()


def test_withheld_cells_are_drawn_hatched_not_sized(poland: str) -> None:
    assert 'fill="url(#chart-forms-hatch)"' in poland
    assert "&lt;10 (withheld)" in poland


def test_labels_from_files_are_escaped(poland: str) -> None:
    assert "<script>" not in poland and "<b>for</b>" not in poland
    assert "Shelter &lt;b&gt;for&lt;/b&gt;" in poland


# -- accessibility ------------------------------------------------------------------------


def test_headings_go_down_one_level_at_a_time(poland_scan: Scan) -> None:
    levels = poland_scan.headings
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_tables_have_captions_and_scoped_headers(poland_scan: Scan) -> None:
    for table in poland_scan.tables:
        assert table.caption.strip()
        assert table.header_scopes and all(s in ("col", "row") for s in table.header_scopes)


def test_charts_are_named_images_described_in_words(poland: str, poland_scan: Scan) -> None:
    ids = set(poland_scan.ids)
    assert len(ids) == len(poland_scan.ids), "ids are unique"
    assert poland_scan.svgs
    for svg in poland_scan.svgs:
        assert svg["role"] == "img"
        assert svg["labelledby"] and set(svg["labelledby"].split()) <= ids
    desc = re.search(r'<desc id="chart-means-desc">([^<]*)</desc>', poland)
    assert desc and "Threats 44 % (40)" in desc.group(1)


def test_phone_and_print_styles(poland: str) -> None:
    assert 'name="viewport"' in poland
    assert "@media print" in poland and "@media (max-width" in poland


# -- other places -------------------------------------------------------------------------


def test_global_report(hub: Hub, tmp_path: Path) -> None:
    html = hub.report(path=tmp_path / "global.html").read_text(encoding="utf-8")
    found = scan(html)
    assert "global profile" in html
    assert "Detected victims by origin and flow, Global" in [t.caption for t in found.tables]
    assert found.cell("Detected victims by sex and age, Global", "Total", "Total") == "137"
    assert "not added to the totals" in html  # Nigeria's Global Report figures


def test_country_with_global_report_figures_only(hub: Hub, tmp_path: Path) -> None:
    html = hub.report(country="NGA", path=tmp_path / "nga.html").read_text(encoding="utf-8")
    found = scan(html)
    assert "Nigeria" in html and "<svg" in html
    assert "Not available from the data held" in html  # no means or recruiters figures
    assert found.cell("Detected victims by sex and age, Nigeria, 2022 (UNODC Global Report)",
                      "Male", "Children (0–17)") == "<5"
    assert "no breakdown by organisation" in html


def test_country_without_figures_is_a_clear_error(hub: Hub, tmp_path: Path) -> None:
    target = tmp_path / "fra.html"
    with pytest.raises(NotFound, match="France"):
        write_report(hub, target, country="FRA")
    assert not target.exists()


def test_empty_hub_has_no_global_report(tmp_path: Path) -> None:
    with Hub(Settings(home=tmp_path)) as empty, pytest.raises(NotFound):
        empty.report()


def test_generation_date_is_printed(hub: Hub, tmp_path: Path) -> None:
    path = write_report(hub, tmp_path / "x" / "pol.html", country="POL", today=date(2025, 3, 7))
    assert '<time datetime="2025-03-07">7 March 2025</time>' in path.read_text(encoding="utf-8")


def test_planted_small_count_cannot_be_recovered_across_tables(rounded_poland: Scan) -> None:
    children = rounded_poland.cell(CAPTIONS[0], "Total", "Children (0–17)")
    girls = rounded_poland.cell(CAPTIONS[1], "Records (denominator)", "Girls")
    published = [int(v) for v in (children, girls) if v.isdigit()]
    assert all(v % 5 == 0 for v in published)  # rounded: differences are uncertain by several units
    if len(published) == 2:
        assert published[0] - published[1] != PLANTED
