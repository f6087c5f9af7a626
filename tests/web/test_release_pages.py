"""The release pages: the public list and release pages (no drafts for anyone but hub
administrators), and the administrators' forms to set the budget, prepare, publish and delete
drafts, with refusals shown as form errors."""

from __future__ import annotations

import re

import pytest
from conftest import Page, form_token

from tiphub.errors import NotFound

TEXT = re.compile(r"\s+")


def text(answer) -> str:
    return TEXT.sub(" ", Page(answer.text).visible_text)


@pytest.fixture(scope="module")
def released(world):
    """A budget, a published release of two tables and a draft (prepared through the Hub)."""
    hub = world.hub
    hub.set_privacy_budget(5)
    published = hub.create_release(["sex-age", "citizenship"], 0.5)["id"]
    hub.publish_release(published)
    draft = hub.create_release(["trends"], 0.2)["id"]
    world.published, world.draft = published, draft
    return world


def test_anyone_sees_the_published_releases_and_no_draft(released) -> None:
    client = released.fresh()
    listing = client.get("/releases")
    assert listing.status_code == 200
    assert f'href="/releases/{released.published}"' in listing.text
    assert f'href="/releases/{released.draft}"' not in listing.text
    assert "Privacy budget" not in listing.text and 'action="/releases"' not in listing.text
    landing = client.get("/")
    assert f'href="/releases/{released.published}"' in landing.text
    assert client.get(f"/releases/{released.draft}").status_code == 404
    assert client.get("/releases/999999").status_code == 404


def test_a_release_page_cites_shows_error_bars_explains_and_links_downloads(released) -> None:
    client = released.fresh()
    answer = client.get(f"/releases/{released.published}")
    assert answer.status_code == 200
    shown = text(answer)
    assert f"tiphub release {released.published}, version 1" in shown
    assert "epsilon 0.5, delta 1e-06; tables: sex-age, citizenship; synthetic: none" in shown
    assert "Detected victims by sex and age band" in shown and "±" in shown
    assert "What protects whom" in shown and "at most a factor of" in shown
    assert "Utility and risk report" in shown
    assert f'href="/api/v1/releases/{released.published}/tables.csv"' in answer.text
    assert "synthetic.csv" not in answer.text  # no synthetic file in this release
    assert "Internal report" not in shown and "Publish this release" not in shown
    csv = client.get(f"/api/v1/releases/{released.published}/tables.csv")
    assert csv.status_code == 200 and csv.text.startswith("table,dimension_1")
    # the citizenship table has 251 cells: only the non-zero ones are listed
    assert "Cells with a count of 0 are left out here" in shown


def test_small_counts_can_be_shown_as_under_k(released) -> None:
    client = released.fresh()
    plain = client.get(f"/releases/{released.published}").text
    under = client.get(f"/releases/{released.published}?k=10").text
    cell = re.compile(r"<td[^>]*>(<abbr[^>]*>)?&lt;10<")
    assert cell.search(under) and not cell.search(plain)
    assert client.get(f"/releases/{released.published}?k=1").status_code == 422


def test_members_see_the_list_in_the_menu_but_no_forms(released) -> None:
    client = released.client("viewer")
    answer = client.get("/releases")
    assert answer.status_code == 200 and '<a href="/releases" aria-current="page">' in answer.text
    assert 'action="/releases"' not in answer.text
    token = form_token(client, "/account")
    refused = client.post("/releases", data={"csrf_token": token, "epsilon": "1",
                                             "tables": "sex-age"})
    assert refused.status_code == 403
    refused = client.post(f"/releases/{released.draft}/publish", data={"csrf_token": token})
    assert refused.status_code == 403
    assert client.get(f"/releases/{released.draft}").status_code == 404


def test_an_administrator_sees_drafts_the_budget_and_the_internal_report(released) -> None:
    client = released.client("hub_admin")
    listing = client.get("/releases")
    shown = text(listing)
    assert f'href="/releases/{released.draft}"' in listing.text
    assert "Privacy budget" in shown and "Remaining" in shown and "ε 5" in shown
    detail = client.get(f"/releases/{released.draft}")
    assert detail.status_code == 200
    shown = text(detail)
    assert "draft" in shown and "Internal report" in shown and "Records read: 66" in shown
    assert "Publish this release" in shown and "Delete this draft" in shown


def test_an_administrator_prepares_publishes_and_deletes_through_the_forms(released) -> None:
    hub, client = released.hub, released.client("hub_admin")
    token = form_token(client, "/releases")
    spent = hub.privacy_budget()["spent_rho"]
    made = client.post("/releases", data={"csrf_token": token, "epsilon": "0.3",
                                          "tables": ["sex-age", "duration"]})
    assert made.status_code == 303, made.text[:500]
    first = int(made.headers["location"].rsplit("/", 1)[1])
    assert hub.release(first)["parameters"]["tables"] == ["sex-age", "duration"]
    assert hub.privacy_budget()["spent_rho"] > spent
    published = client.post(f"/releases/{first}/publish", data={"csrf_token": token})
    assert published.status_code == 303
    assert "is published" in text(client.get(published.headers["location"]))
    assert released.fresh().get(f"/releases/{first}").status_code == 200  # now public
    again = client.post(f"/releases/{first}/publish", data={"csrf_token": token})
    assert again.status_code == 409 and "already published" in text(again)
    refused = client.post(f"/releases/{first}/delete", data={"csrf_token": token})
    assert refused.status_code == 409 and "never changed or deleted" in text(refused)
    # a second draft, deleted: its spend stays
    made = client.post("/releases", data={"csrf_token": token, "epsilon": "0.1",
                                          "tables": "flows"})
    second = int(made.headers["location"].rsplit("/", 1)[1])
    before = hub.privacy_budget()
    deleted = client.post(f"/releases/{second}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303 and deleted.headers["location"] == "/releases?done=deleted"
    assert "stays spent" in text(client.get(deleted.headers["location"]))
    assert hub.privacy_budget() == before
    with pytest.raises(NotFound):
        hub.release(second)
    assert client.get(f"/releases/{second}").status_code == 404
    assert client.post(f"/releases/{second}/delete", data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("data,status,message", [
    ({"epsilon": "0", "tables": "sex-age"}, 422, "epsilon must be a number above 0"),
    ({"epsilon": "50", "tables": "sex-age"}, 422, "too large to protect anyone"),
    ({"epsilon": "lots", "tables": "sex-age"}, 422, "epsilon must be a number"),
    ({"epsilon": "", "tables": "sex-age"}, 422, "epsilon is required"),
    ({"epsilon": "1", "tables": "salaries"}, 422, "outside the public workload"),
    ({"epsilon": "9", "tables": "sex-age"}, 409, "remains"),
    ({"epsilon": "0.1", "synthetic": "on"}, 422, "too few for useful synthetic data"),
    ({"epsilon": "0.1", "tables": "sex-age", "rows": "12"}, 422, "rows"),
    ({"epsilon": "0.1", "synthetic": "on", "synthesiser": "magic"}, 422, "unknown synthesiser"),
])
def test_refusals_are_form_errors_and_store_nothing(released, data, status, message) -> None:
    hub, client = released.hub, released.client("hub_admin")
    before = (hub.privacy_budget(), len(hub.releases()))
    answer = client.post("/releases", data={"csrf_token": form_token(client, "/releases"), **data})
    assert answer.status_code == status
    page = Page(answer.text)
    assert message in text(answer)
    assert any(d.get("role") == "alert" for _, d in page.elements)
    assert 'value="' + data["epsilon"] + '"' in answer.text  # the form keeps what was typed
    assert (hub.privacy_budget(), len(hub.releases())) == before


def test_the_budget_form(released) -> None:
    hub, client = released.hub, released.client("hub_admin")
    token = form_token(client, "/releases")
    low = client.post("/releases/budget", data={"csrf_token": token, "epsilon": "0.1"})
    assert low.status_code == 409 and "overdrawn" in text(low)
    bad = client.post("/releases/budget", data={"csrf_token": token, "epsilon": "1",
                                                "delta": "0.5"})
    assert bad.status_code == 422 and "delta must be above 0" in text(bad)
    raised = client.post("/releases/budget", data={"csrf_token": token, "epsilon": "6",
                                                   "delta": "1e-6"})
    assert raised.status_code == 303 and hub.privacy_budget()["epsilon"] == 6
    assert "The privacy budget is saved" in text(client.get(raised.headers["location"]))


def test_forms_need_the_csrf_token(released) -> None:
    client = released.client("hub_admin")
    answer = client.post("/releases", data={"epsilon": "0.1", "tables": "sex-age"})
    assert answer.status_code == 403
    answer = client.post(f"/releases/{released.draft}/delete", data={})
    assert answer.status_code == 403


def test_release_pages_are_accessible(released) -> None:
    for who, path in (("anonymous", "/releases"), ("anonymous", f"/releases/{released.published}"),
                      ("hub_admin", "/releases"), ("hub_admin", f"/releases/{released.draft}")):
        page = Page(released.client(who).get(path).text)
        assert page.headings.count(1) == 1, path
        for before, after in zip(page.headings, page.headings[1:], strict=False):
            assert after <= before + 1, f"{path}: h{before} then h{after}"
        labels = {attrs.get("for") for attrs in page.all("label")}
        for tag, attrs in page.elements:
            if tag in {"input", "select"} and attrs.get("type") not in {"hidden", "submit"}:
                assert attrs.get("id") in labels, f"{path}: {attrs.get('name')} has no label"
        assert len(page.all("caption")) == len(page.all("table")), path
        assert all(th.get("scope") in ("col", "row") for th in page.all("th")), path
