"""The programmes (5W) pages: members read and filter them, with people by sex and age, budgets
and downloads; stewards import for their own organisation only, all rows or none with every
problem by row and hashtag; a programme's page, and deleting it (its implementer's stewards)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Page, form_token

SAMPLE = Path(__file__).parents[1] / "coordination" / "data" / "programmes_5w.csv"
HEAD = ("Activity,Type,Country,Start,End,Targeted,Reached\n"
        "#activity+name,#activity+type,#country+code,#date+start,#date+end,#targeted,#reached\n")
POLICE_ROWS = (HEAD + "Patrol training,training_law_enforcement,GBR,2023-01-01,2023-06-30,40,30\n"
               "Hotline,helpline,POL,2025-01-01,,500,120\n")


@pytest.fixture(scope="module")
def space(world):
    world.hub.import_programmes(SAMPLE, org="shelter")  # shelter's two, the police's training
    return world


def upload(client, org: str, content: bytes | str, name: str = "5w.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post("/programmes/import",
                       data={"csrf_token": form_token(client, "/programmes"), "org": org},
                       files={"file": (name, data, "text/csv")})


def codes(hub, **filters) -> set[str]:
    return {p.code for p in hub.programmes(**filters)}


def test_anonymous_is_sent_to_sign_in(space) -> None:
    client = space.fresh()
    answer = client.get("/programmes")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert client.get("/programmes/1").status_code == 303
    assert client.get("/api/v1/programmes.csv").status_code == 401


def test_members_read_and_filter_the_programmes(space) -> None:
    client = space.client("viewer")
    answer = client.get("/programmes")
    assert answer.status_code == 200
    text = " ".join(answer.text.split())
    for name in ("Safe house for women", "Legal clinic", "Training of labour inspectors"):
        assert name in text
    assert "Protection and assistance" in text and "Legal aid and representation" in text
    # people by sex and age over the programmes shown: women 120 + 30, girls 5
    page = Page(answer.text)
    assert page.headings.count(1) == 1 and len(page.all("caption")) == len(page.all("table"))
    assert "<th scope=\"row\">Women</th><td>150</td><td>115</td>" in answer.text
    assert "<th scope=\"row\">Girls</th><td>5</td><td>3</td>" in answer.text
    assert "Budget: 251,500.5 GBP" in text
    assert "Import programmes" not in text  # a viewer imports nothing
    protection = client.get("/programmes?pillar=protection")
    assert "Legal clinic" in protection.text and "Training of labour inspectors" not in protection.text
    assert 'href="/api/v1/programmes.csv?pillar=protection"' in protection.text
    assert 'href="/api/v1/programmes.xlsx?pillar=protection"' in protection.text
    by_type = client.get("/programmes?intervention=legal_aid&org=shelter&country=GBR")
    assert "Legal clinic" in by_type.text and "Safe house for women" not in by_type.text
    assert "1 programme shown of" in " ".join(by_type.text.split())
    assert "Legal clinic" in client.get("/programmes?year=2024").text
    assert "No programme matches these filters." in client.get("/programmes?year=2019").text
    bad = client.get("/programmes?year=twenty")
    assert bad.status_code == 422 and "four digits" in bad.text


def test_the_download_links_work_with_the_session(space) -> None:
    client = space.client("viewer")
    csv = client.get("/api/v1/programmes.csv?pillar=protection&intervention=legal_aid&year=2024")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[1].startswith("#org+impl") and len(lines) == 3 and "Legal clinic" in lines[2]
    xlsx = client.get("/api/v1/programmes.xlsx?org=shelter")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_programme_page(space) -> None:
    clinic = next(p for p in space.hub.programmes() if p.code == "SH-02")
    answer = space.client("viewer").get(f"/programmes/{clinic.id}")
    assert answer.status_code == 200
    text = " ".join(answer.text.split())
    assert "Legal clinic" in text and "UN Voluntary Trust Fund for Victims of Trafficking" in text
    assert "<th scope=\"row\">Men</th><td>20</td><td>15</td>" in answer.text
    assert "Delete this programme" not in text  # a viewer deletes nothing
    assert space.client("viewer").get("/programmes/999999").status_code == 404


def test_a_steward_imports_for_its_own_organisation_only(space) -> None:
    client = space.signed_in("steward")
    form = client.get("/programmes")
    assert 'value="police"' in form.text.split('id="import-org"')[1].split("</select>")[0]
    assert 'value="shelter"' not in form.text.split('id="import-org"')[1].split("</select>")[0]
    done = upload(client, "police", POLICE_ROWS)
    assert done.status_code == 200, done.text[-3000:]
    text = " ".join(done.text.split())
    assert "Import done" in text and "Added</dt><dd>2" in done.text.replace("\n", "")
    assert {"Patrol training", "Hotline"} <= {p.name for p in space.hub.programmes(org="police")}
    again = upload(client, "police", POLICE_ROWS)
    assert "Unchanged</dt><dd>2" in again.text.replace("\n", "")
    # another organisation's programmes: refused, nothing stored
    before = codes(space.hub)
    assert upload(client, "shelter", POLICE_ROWS.replace("Hotline", "Night shelter")).status_code == 403
    assert codes(space.hub) == before


def test_another_organisations_steward_is_refused(space) -> None:
    client = space.signed_in("other_steward")
    before = codes(space.hub, org="police")
    refused = upload(client, "police", HEAD + "Raid,investigation,GBR,2024-01-01,,1,1\n")
    assert refused.status_code == 403
    assert codes(space.hub, org="police") == before
    # rows naming another implementer inside one's own file: every row refused, nothing stored
    mixed = upload(client, "shelter", SAMPLE.read_bytes())
    assert mixed.status_code == 422
    assert "you may not manage this organisation&#39;s programmes" in mixed.text
    assert "Problems found: nothing was stored" in mixed.text
    viewer = space.signed_in("viewer")
    token = form_token(viewer, "/programmes")
    answer = viewer.post("/programmes/import", data={"csrf_token": token, "org": "police"},
                         files={"file": ("5w.csv", POLICE_ROWS.encode(), "text/csv")})
    assert answer.status_code == 403


def test_bad_hxl_lists_every_problem_by_row_and_hashtag_and_stores_nothing(space) -> None:
    client = space.signed_in("steward")
    before = [p.model_dump() for p in space.hub.programmes()]
    bad = upload(client, "police", HEAD + "\n".join([
        "Shelter,shelter,GBR,2024-01-01,2024-12-31,10,12",   # 1 reached above targeted
        "Shelter,rescue,Atlantis,2024-01-01,,ten,5",          # 3 type, country, count
        "Shelter,shelter,GBR,01/02/2024,,10,5",               # 3 another date format
    ]) + "\n")
    assert bad.status_code == 422
    text = " ".join(bad.text.split())
    assert "Problems found: nothing was stored" in text
    assert "reached-above-targeted" in text and "unknown-country" in text
    assert "mixed-date-formats" in text and "not-a-count" in text
    assert "column 4 &#39;Start&#39; (#date+start)" in bad.text  # the column by number, header, hashtag
    assert "Atlantis" not in bad.text  # values are never repeated
    page = Page(bad.text)
    rows = [attrs for tag, attrs in page.elements if tag == "th" and attrs.get("scope") == "row"]
    assert rows
    assert [p.model_dump() for p in space.hub.programmes()] == before
    no_tags = upload(client, "police", "Activity,Country\nTraining,GBR\n")
    assert no_tags.status_code == 422 and "no HXL hashtag row" in no_tags.text
    unknown = upload(client, "police", "Activity,Type,Country,Victims\n"
                     "#activity+name,#activity+type,#country+code,#affected+victims\n"
                     "Training,training_law_enforcement,GBR,4\n")
    assert unknown.status_code == 422 and "#affected+victims" in unknown.text
    assert "unknown-hashtag" in unknown.text
    empty = client.post("/programmes/import",
                        data={"csrf_token": form_token(client, "/programmes"), "org": "police"})
    assert empty.status_code == 422 and "Choose a file to upload." in empty.text
    assert [p.model_dump() for p in space.hub.programmes()] == before


def test_a_hub_administrator_imports_for_any_organisation(space) -> None:
    client = space.signed_in("hub_admin")
    form = client.get("/programmes").text
    offered = form.split('id="import-org"')[1].split("</select>")[0]
    assert 'value="police"' in offered and 'value="shelter"' in offered
    done = upload(client, "shelter", HEAD + "Outreach,awareness_raising,GBR,2024-01-01,,100,80\n")
    assert done.status_code == 200 and "Outreach" in {p.name for p in space.hub.programmes(org="shelter")}


def test_deleting_a_programme(space) -> None:
    space.hub.import_programmes(Path(_write(space, "del.csv", HEAD + "To delete,helpline,GBR,,,5,1\n")),
                                org="police")
    target = next(p for p in space.hub.programmes(org="police") if p.name == "To delete")
    steward, other, viewer = (space.signed_in(w) for w in ("steward", "other_steward", "viewer"))
    page = steward.get(f"/programmes/{target.id}")
    assert "Delete this programme" in page.text
    assert "Delete this programme" not in other.get(f"/programmes/{target.id}").text
    for client in (other, viewer):
        token = form_token(client, "/programmes")
        refused = client.post(f"/programmes/{target.id}/delete", data={"csrf_token": token})
        assert refused.status_code == 403
    assert space.hub.programme(target.id).name == "To delete"
    no_token = steward.post(f"/programmes/{target.id}/delete")
    assert no_token.status_code == 403
    token = form_token(steward, f"/programmes/{target.id}")
    gone = steward.post(f"/programmes/{target.id}/delete", data={"csrf_token": token})
    assert gone.status_code == 303 and gone.headers["location"] == "/programmes?done=deleted"
    assert "The programme is deleted." in steward.get(gone.headers["location"]).text
    assert target.id not in {p.id for p in space.hub.programmes()}
    assert steward.get(f"/programmes/{target.id}").status_code == 404
    again = steward.post(f"/programmes/{target.id}/delete", data={"csrf_token": token})
    assert again.status_code == 404


def test_the_nav_offers_programmes_to_members(space) -> None:
    nav = space.client("viewer").get("/dashboard").text
    assert 'href="/programmes"' in nav and 'href="/directory"' in nav


def _write(space, name: str, text: str) -> Path:
    path = space.home / name
    path.write_text(text, encoding="utf-8")
    return path
