"""The inline SVG charts: values drawn to scale, withheld cells never sized, text escaped."""

from __future__ import annotations

import re

import pytest

from tiphub.reports.charts import VALUE_ROOM, WIDTH, WITHHELD_W, Group, Series, bar_chart, line_chart
from tiphub.reports.flows import Link, flow_chart
from tiphub.reports.svg import Datum, nice_step, percent


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)"', svg)]


def test_bars_share_one_scale_and_withheld_bars_have_a_fixed_size() -> None:
    svg = bar_chart("c", "Means", [Group("A", (Datum("Threats", 40, "40"),
                                              Datum("Debt", 10, "10"))),
                                   Group("B", (Datum("Threats", None, "<10"),))])
    assert widths(svg) == [WIDTH - VALUE_ROOM, (WIDTH - VALUE_ROOM) / 4, WITHHELD_W]
    assert 'fill="url(#c-hatch)"' in svg and "&lt;10 (withheld)" in svg
    assert "<desc id=\"c-desc\">Means. A: Threats 40, Debt 10; B: Threats &lt;10 (withheld).</desc>" in svg


def test_chart_text_is_escaped() -> None:
    svg = bar_chart("c", "<T>", [Group("<g>", (Datum("<script>alert(1)</script>", 5, "5"),))])
    assert "<script>" not in svg and "<g>" not in svg
    assert "&lt;script&gt;" in svg


def test_long_labels_are_cut_and_kept_whole_in_a_tooltip() -> None:
    name = "Debt bondage, takes earnings or restricts access to money " * 2
    svg = bar_chart("c", "t", [Group(None, (Datum(name, 5, "5"),))])
    assert "…" in svg and f"<title>{name}</title>" in svg


def test_lines_break_at_withheld_points_shown_in_a_strip() -> None:
    points = (Datum("2020", 30, "30"), Datum("2021", 40, "40"), Datum("2022", None, "<10"),
              Datum("2023", 25, "25"), Datum("2024", 35, "35"))
    svg = line_chart("l", "Trends", [Series("Women", points)])
    assert svg.count("<path") == 2  # two runs of published points
    assert svg.count('fill="url(#l-hatch)"') == 1 and "Withheld:" in svg
    assert "Women: 2020 30, 2021 40, 2022 &lt;10 (withheld)" in svg


def test_flow_bands_are_as_wide_as_their_counts_and_withheld_links_are_dashed() -> None:
    sources = [Datum("Europe", 90, "90"), Datum("Asia", None, "<10")]
    targets = [Datum("Domestic", 60, "60"), Datum("Cross-border", None, "x")]
    links = [Link(0, 0, Datum("Europe to Domestic", 60, "60")),
             Link(0, 1, Datum("Europe to Cross-border", 30, "30")),
             Link(1, 1, Datum("Asia to Cross-border", None, "<10"))]
    svg = flow_chart("f", "Flows", sources, targets, links)
    bands = re.findall(r'<path d="M[\d.]+ ([\d.]+) C.*? L[\d.]+ [\d.]+ C[^"]* ([\d.]+) Z"', svg)
    heights = [float(bottom) - float(top) for top, bottom in bands]
    assert len(heights) == 2 and heights[0] == pytest.approx(2 * heights[1], rel=0.02)
    assert svg.count('stroke-dasharray="3 3"') == 1
    assert "Asia to Cross-border &lt;10 (withheld)" in svg


@pytest.mark.parametrize("vmax,step", [(0, 1), (9, 2.5), (57, 20), (130, 50), (1234, 500)])
def test_axis_steps_are_round(vmax: float, step: float) -> None:
    assert nice_step(vmax) == step


@pytest.mark.parametrize("share,text", [(0.424, "42 %"), (0.004, "0.4 %"), (1.0, "100 %"),
                                        (0.0, "0 %")])
def test_percent(share: float, text: str) -> None:
    assert percent(share) == text

