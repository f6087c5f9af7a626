"""What every page must be: accessible markup, readable colours, strict security headers, and
assets served from the package (no CDN, no inline script or style)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from conftest import Page

import tiphub.web

STATIC = Path(tiphub.web.__file__).parent / "static"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
PAGES = [("anonymous", "/"), ("anonymous", "/login"), ("anonymous", "/setup?token=t"),
         ("anonymous", "/reset?token=t"), ("steward", "/dashboard"),
         ("steward", "/dashboard?country=GBR"), ("steward", "/upload"),
         ("steward", "/submissions"), ("steward", "/submissions/{sub}"),
         ("steward", "/submissions/{sub}/quarantine"), ("steward", "/records?org=police"),
         ("steward", "/records"), ("steward", "/account"), ("hub_admin", "/admin"),
         ("hub_admin", "/admin/audit"), ("viewer", "/upload"), ("viewer", "/nothing-here")]
#: The coordination and release pages, over the data that ``seeded`` adds (they must answer 200).
COORDINATION_PAGES = [
    ("anonymous", "/releases"), ("anonymous", "/releases/{release}"), ("hub_admin", "/releases"),
    ("hub_admin", "/releases/{draft}"), ("steward", "/directory"), ("hub_admin", "/directory"),
    ("steward", "/directory/police"), ("steward", "/directory/rapporteur-gbr"),
    ("steward", "/programmes"), ("steward", "/programmes/{programme}"), ("steward", "/coverage"),
    ("steward", "/coverage?country=GBR&year=2021"), ("steward", "/instruments"),
    ("hub_admin", "/instruments"), ("steward", "/indicators"), ("steward", "/indicators?country=GBR"),
    ("steward", "/reports/national"), ("steward", "/reports/national?country=GBR&year=2021"),
    ("steward", "/coverage?lang=fr"), ("steward", "/indicators?lang=fr")]
TREATY = Path(__file__).parents[1] / "coordination" / "data" / "treaties" / "XVIII-12-a.en.xml"
PROGRAMMES = Path(__file__).parents[1] / "coordination" / "data" / "programmes_5w.csv"
LOGFRAME = ("Programme,Code,Indicator,Level,Baseline,Baseline date,Target,Target date,Measured,Value\n"
            "#activity+code,#indicator+code,#indicator+name,#indicator+type,#indicator+value+baseline,"
            "#date+baseline,#indicator+value+target,#date+target,#date+reported,#indicator+num\n"
            "P-TRAIN,A,Officers trained,output,0,2020-01-01,300,2030-01-01,2021-06-01,120\n")
FIELDS = {"input", "select", "textarea"}
NOT_LABELLED = {"hidden", "submit", "button"}


@pytest.fixture(scope="module")
def seeded(world):
    """The module's world with programmes, an indicator, a national mechanism, a treaty's status
    list and a published release and a draft, so that every page has something to show."""
    hub = world.hub
    hub.import_programmes(PROGRAMMES, org="shelter")
    (world.home / "a11y-programme.csv").write_text(
        "Code,Activity,Type,Country\n#activity+code,#activity+name,#activity+type,#country+code\n"
        "P-TRAIN,Training of investigators,training_law_enforcement,GBR\n")
    hub.import_programmes(world.home / "a11y-programme.csv", org="police")
    (world.home / "a11y-logframe.csv").write_text(LOGFRAME)
    hub.import_indicators(world.home / "a11y-logframe.csv", org="police")
    hub.update_directory_entry("rapporteur-gbr", name="National rapporteur", kind="national_rapporteur",
                               country="GBR", member=False, mandate="Reports to Parliament.")
    hub.import_instruments(TREATY)
    hub.set_privacy_budget(5)
    release = hub.create_release(["sex-age"], 0.5)["id"]
    hub.publish_release(release)
    draft = hub.create_release(["trends"], 0.2)["id"]
    world.ids = {"sub": world.submission, "release": release, "draft": draft,
                 "programme": hub.programmes()[0].id}
    return world


def pages(world):
    ids = getattr(world, "ids", {"sub": world.submission})
    for who, path in PAGES + (COORDINATION_PAGES if "release" in ids else []):
        answer = world.client(who).get(path.format(**ids))
        if (who, path) in COORDINATION_PAGES:
            assert answer.status_code == 200, (who, path, answer.status_code)
        yield path, answer, Page(answer.text)


def test_pages_are_accessible(seeded) -> None:
    for path, _answer, page in pages(seeded):
        html = page.all("html")[0]
        assert html.get("lang") and html.get("dir") in ("ltr", "rtl"), path
        assert page.headings.count(1) == 1, path
        for before, after in zip(page.headings, page.headings[1:], strict=False):
            assert after <= before + 1, f"{path}: h{before} then h{after}"
        skip = page.all("a")[0]
        assert skip.get("href") == "#main" and skip.get("class") == "skip-link", path
        assert any(m.get("id") == "main" for m in page.all("main")), path
        labels = {attrs.get("for") for attrs in page.all("label")}
        for tag, attrs in page.elements:
            if tag in FIELDS and attrs.get("type") not in NOT_LABELLED:
                assert attrs.get("id") in labels, f"{path}: <{tag} name={attrs.get('name')}> has no label"
        tables = page.all("table")
        assert len(page.all("caption")) == len(tables), path
        if tables:
            assert all(th.get("scope") in ("col", "row", "colgroup", "rowgroup")
                       for th in page.all("th")), path


def test_tables_scroll_inside_their_wrapper_not_the_page(world) -> None:
    html = world.client("steward").get("/records?org=police").text
    assert re.search(r'<div class="table-wrap" role="region" aria-labelledby="[^"]+" tabindex="0">\s*'
                     r'<table', html)
    css = (STATIC / "site.css").read_text(encoding="utf-8")
    assert ".table-wrap { overflow-x: auto;" in css and "max-inline-size: 100%" in css
    assert ":focus-visible { outline: 3px solid" in css


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_colours_have_a_contrast_of_at_least_4_5() -> None:
    css = (STATIC / "site.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    text = ["ink", "muted", "accent", "accent-dark", "warn", "bad"]
    backgrounds = ["paper", "tint", "note"]
    for fg in text:
        for bg in backgrounds:
            assert contrast(var[fg], var[bg]) >= 4.5, (fg, bg)
    assert contrast("#ffffff", var["accent"]) >= 4.5  # button text
    for tint in ("#fbeef0", "#eef6f0"):  # message backgrounds
        assert contrast(var["ink"], tint) >= 4.5 and contrast(var["accent"], tint) >= 4.5


def test_security_headers_on_every_page(seeded) -> None:
    for path, answer, _page in pages(seeded):
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["cache-control"] == "no-store"


def test_scripts_and_styles_come_from_static_only(seeded) -> None:
    for path, answer, page in pages(seeded):
        assert [s.get("src") for s in page.all("script")] in ([], ["/static/vendor/htmx.min.js"]), path
        assert not page.all("style") and " style=" not in answer.text, path
        assert "//" not in "".join(s.get("href", "") for s in page.all("link")), path
        for tag, attrs in page.elements:
            assert not any(name.startswith("on") for name in attrs), (path, tag)


def test_static_files_are_served(world) -> None:
    client = world.fresh()
    css = client.get("/static/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    js = client.get("/static/vendor/htmx.min.js")
    assert js.status_code == 200 and hashlib.sha256(js.content).hexdigest() == HTMX_SHA256
    assert client.get("/static/favicon.svg").status_code == 200


def test_vendored_htmx_is_the_documented_release_with_its_licence() -> None:
    vendor = STATIC / "vendor"
    assert hashlib.sha256((vendor / "htmx.min.js").read_bytes()).hexdigest() == HTMX_SHA256
    assert HTMX_SHA256 in (vendor / "README.md").read_text(encoding="utf-8")
    assert "Zero-Clause BSD" in (vendor / "htmx.LICENSE.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["/", "/dashboard"])
def test_htmx_is_configured_for_a_strict_csp(world, path: str) -> None:
    html = world.client("viewer").get(path).text
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    assert '"includeIndicatorStyles": false' in config and '"allowEval": false' in config
    assert '"historyCacheSize": 0' in config  # statistics are not kept in localStorage
