"""The directory pages: public reading and filters, an entry's page (its programmes for signed-in
members only), organisation administrators editing their own entry's mandate and contacts, hub
administrators adding a national mechanism and changing kind and membership."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Page, form_token

from tiphub.coordination import vocab
from tiphub.web.routes.coordination import NAMES

SAMPLE = Path(__file__).parents[1] / "coordination" / "data" / "programmes_5w.csv"


@pytest.fixture(scope="module")
def directory(world):
    world.hub.update_directory_entry(
        "rapporteur-gbr", name="Independent Anti-Slavery Commissioner", kind="national_rapporteur",
        country="GBR", member=False, mandate="Reports to Parliament on trafficking.",
        contact_email="info@rapporteur.example", website="https://rapporteur.example")
    world.hub.update_directory_entry("nrm-pol", name="Polish referral mechanism",
                                     kind="referral_mechanism", country="POL", member=False)
    world.hub.import_programmes(SAMPLE, org="shelter")
    return world


def post(client, path: str, data: dict[str, str], token_from: str | None = None):
    token = form_token(client, token_from or path)
    return client.post(path, data={"csrf_token": token, **data})


def test_anonymous_reads_the_directory_with_filters(directory) -> None:
    client = directory.fresh()
    home = client.get("/")
    assert 'href="/directory"' in home.text
    answer = client.get("/directory")
    assert answer.status_code == 200
    text = " ".join(answer.text.split())
    for name in ("Police North", "Shelter", "Independent Anti-Slavery Commissioner",
                 "Polish referral mechanism"):
        assert name in text
    assert "National rapporteur or equivalent mechanism" in text
    assert 'href="mailto:info@rapporteur.example"' in answer.text
    assert "Reports to Parliament on trafficking." in text
    assert "Add a national mechanism" not in text  # hub administrators only
    only = client.get("/directory?kind=national_rapporteur")
    assert "Independent Anti-Slavery Commissioner" in only.text and "Police North" not in only.text
    poland = client.get("/directory?country=POL")
    assert "Polish referral mechanism" in poland.text and "Police North" not in poland.text
    bad = client.get("/directory?kind=ministry")
    assert bad.status_code == 422 and "unknown kind" in bad.text and "ministry" in bad.text
    assert client.get("/directory?country=Atlantis").status_code == 422


def test_an_entry_shows_its_programmes_to_members_only(directory) -> None:
    anonymous = directory.fresh().get("/directory/shelter")
    assert anonymous.status_code == 200 and "Shelter" in anonymous.text
    assert "Safe house for women" not in anonymous.text and "/programmes/" not in anonymous.text
    assert "Edit this entry" not in anonymous.text
    member = directory.client("viewer").get("/directory/shelter")
    assert "Safe house for women" in member.text and "Legal clinic" in member.text
    assert "Training of labour inspectors" not in member.text  # the police's
    assert "Edit this entry" not in member.text
    assert directory.fresh().get("/directory/nobody").status_code == 404


def test_an_organisation_administrator_edits_its_own_entry_only(directory) -> None:
    client = directory.signed_in("org_admin")
    page = client.get("/directory/police")
    assert "Edit this entry" in page.text and 'name="kind"' not in page.text
    saved = post(client, "/directory/police", {
        "name": "Police North", "mandate": "Investigates trafficking in the north.",
        "contact_email": "contact@police.example", "website": "https://police.example"})
    assert saved.status_code == 303 and saved.headers["location"] == "/directory/police?done=saved"
    entry = directory.hub.organisation("police")
    assert (entry.mandate, entry.contact_email) == ("Investigates trafficking in the north.",
                                                    "contact@police.example")
    shown = client.get(saved.headers["location"])
    assert "The directory entry is saved." in shown.text and "police.example" in shown.text
    # another organisation's entry, or the entry's kind and membership: refused
    assert "Edit this entry" not in client.get("/directory/shelter").text
    other = post(client, "/directory/shelter", {"mandate": "Taken over."}, "/directory/police")
    assert other.status_code == 403
    structural = post(client, "/directory/police", {"member": "no", "kind": "referral_mechanism"})
    assert structural.status_code == 403
    after = directory.hub.organisation("police")
    assert after.member and after.kind == "organisation"
    assert directory.hub.organisation("shelter").mandate is None
    bad = post(client, "/directory/police", {"contact_email": "not an address"})
    assert bad.status_code == 422 and "not an e-mail address" in bad.text
    assert directory.hub.organisation("police").contact_email == "contact@police.example"


def test_a_steward_cannot_edit_the_entry(directory) -> None:
    client = directory.client("steward")
    assert "Edit this entry" not in client.get("/directory/police").text
    refused = post(client, "/directory/police", {"mandate": "x"}, "/directory")
    assert refused.status_code == 403


def test_forms_need_the_csrf_token(directory) -> None:
    client = directory.signed_in("hub_admin")
    answer = client.post("/directory/police", data={"mandate": "No token."})
    assert answer.status_code == 403
    assert directory.hub.organisation("police").mandate != "No token."


def test_a_hub_administrator_adds_and_edits_a_national_mechanism(directory) -> None:
    client = directory.signed_in("hub_admin")
    page = client.get("/directory")
    assert "Add a national mechanism" in page.text
    added = post(client, "/directory", {
        "code": "coordinator-gbr", "name": "UK national coordinator",
        "kind": "national_coordinator", "country": "GBR", "mandate": "Coordinates.",
        "contact_email": "", "website": "", "member": "no"})
    assert added.status_code == 303, added.text[-2000:]
    assert added.headers["location"] == "/directory/coordinator-gbr?done=added"
    entry = directory.hub.organisation("coordinator-gbr")
    assert (entry.kind, entry.country, entry.member) == ("national_coordinator", "GBR", False)
    again = post(client, "/directory", {"code": "coordinator-gbr", "name": "Twice",
                                        "kind": "national_coordinator"})
    assert again.status_code == 422 and "already in the directory" in again.text
    assert directory.hub.organisation("coordinator-gbr").name == "UK national coordinator"
    bad = post(client, "/directory", {"code": "bad-one", "name": "Bad", "kind": "ministry"})
    assert bad.status_code == 422 and "unknown kind" in bad.text
    assert "bad-one" not in {e.code for e in directory.hub.directory()}
    # the administrator's form has kind, type, country and membership
    form = client.get("/directory/coordinator-gbr")
    assert 'name="kind"' in form.text and 'name="member"' in form.text
    changed = post(client, "/directory/coordinator-gbr", {
        "name": "UK national coordinator", "mandate": "Coordinates the national response.",
        "contact_email": "", "website": "https://coordinator.example",
        "kind": "referral_mechanism", "type": "CentralGovernmentOrganisation", "country": "GBR",
        "member": "yes"})
    assert changed.status_code == 303
    entry = directory.hub.organisation("coordinator-gbr")
    assert (entry.kind, entry.member, entry.website) == ("referral_mechanism", True,
                                                         "https://coordinator.example")
    assert "referral mechanism" in client.get("/directory?kind=referral_mechanism").text
    # an organisation administrator cannot add one
    refused = post(directory.signed_in("org_admin"), "/directory",
                   {"code": "mine", "name": "Mine", "kind": "national_rapporteur"})
    assert refused.status_code == 403
    assert "mine" not in {e.code for e in directory.hub.directory()}


@pytest.mark.parametrize("who,path", [("anonymous", "/directory"),
                                      ("anonymous", "/directory/rapporteur-gbr"),
                                      ("hub_admin", "/directory"),
                                      ("org_admin", "/directory/police")])
def test_directory_pages_are_accessible(directory, who: str, path: str) -> None:
    page = Page(directory.client(who).get(path).text)
    assert page.headings.count(1) == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"{path}: h{before} then h{after}"
    labels = {attrs.get("for") for attrs in page.all("label")}
    for tag, attrs in page.elements:
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            assert attrs.get("id") in labels, f"{path}: {attrs.get('name')} has no label"
    assert len(page.all("caption")) == len(page.all("table"))


def test_the_nav_offers_the_directory_to_members() -> None:
    from tiphub.web.pages import NAV

    assert ("/directory", "Directory", None) in NAV


def test_every_coordination_code_has_a_translatable_label() -> None:
    for name, labels in NAMES.items():
        assert set(labels) == set(vocab.codes(name)), name
        for code, text in labels.items():
            assert text == vocab.label(name, code), (name, code)
