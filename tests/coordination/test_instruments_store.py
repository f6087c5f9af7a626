"""Treaty instruments in the hub: import (all or nothing, replace by country and instrument),
the status per country, who may, and the UN Treaty Collection export as it really is shaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tiphub import Hub
from tiphub.accounts import ANONYMOUS, Principal
from tiphub.errors import FileRejected, Forbidden, InvalidInput, NotFound
from tiphub.store import instruments as store

DATA = Path(__file__).parent / "data" / "treaties"
PALERMO = DATA / "XVIII-12-a.en.xml"
P029 = DATA / "ilo_p029.csv"
MEMBER = Principal(user_id=7, email="member@example.org", name="Member")


def _audit(hub: Hub) -> list[dict]:
    return [e for e in hub.accounts.audit_log(limit=50)[1] if e["action"] == "instruments:import"]


def _status(hub: Hub, country: str) -> dict[str, dict]:
    return {r["instrument"]: r for r in hub.instrument_status(country=country)}


def test_import_xml_then_csv_and_read_per_country(any_hub: Hub) -> None:
    report = any_hub.import_instruments(PALERMO)
    assert report == {
        "file": "XVIII-12-a.en.xml",
        "format": "untc-xml",
        "instruments": ["palermo-trafficking"],
        "records": 10,
        "countries": 10,
        "parties": 9,
        "created": 10,
        "updated": 0,
        "unchanged": 0,
    }
    assert any_hub.import_instruments(PALERMO)["unchanged"] == 10  # the same file twice: no change
    any_hub.import_instruments(P029, format="csv")

    bol = _status(any_hub, "BOL")
    assert list(bol) == ["untoc", "palermo-trafficking", "opsc", "ilo-p029"]
    palermo = bol["palermo-trafficking"]
    assert (palermo["status"], palermo["label"], palermo["signed"], palermo["consent"]) == (
        "party",
        "Party (ratification)",
        "2000-12-12",
        "2006-05-18",
    )
    assert palermo["source"] == "XVIII-12-a.en.xml" and palermo["recorded"] and palermo["known"]
    assert palermo["participant"] == "Bolivia (Plurinational State of)"
    # no UNTOC file imported: nothing is known; a P029 file imported without BOL: not a party
    assert (bol["untoc"]["label"], bol["untoc"]["known"], bol["untoc"]["source"]) == ("No data", False, None)
    assert (bol["ilo-p029"]["status"], bol["ilo-p029"]["label"]) == ("none", "Not a party")
    assert bol["ilo-p029"]["source"] == "ilo_p029.csv" and not bol["ilo-p029"]["recorded"]

    cog = _status(any_hub, "Congo")["palermo-trafficking"]
    assert (cog["status"], cog["label"], cog["consent"]) == ("signatory", "Signed, not a party", None)
    eu = _status(any_hub, "group:EU")["palermo-trafficking"]
    assert (eu["country"], eu["country_name"], eu["consent_type"]) == (
        "group:EU",
        "European Union",
        "approval",
    )
    assert _status(any_hub, "fra")["ilo-p029"]["status"] == "party"

    everything = any_hub.instrument_status()
    countries = list(dict.fromkeys(r["country"] for r in everything))
    assert len(everything) == 4 * len(countries) and countries[-1] == "group:EU"
    assert {"AFG", "GBR", "NER", "TUR"} <= set(countries)
    assert "imported_by" not in everything[0]  # public data: who imported it is not


def test_a_later_file_replaces_the_same_country_and_instrument_only(hub: Hub, tmp_path: Path) -> None:
    hub.import_instruments(PALERMO)
    fix = tmp_path / "palermo_fix.csv"
    fix.write_text(
        "country,instrument,signature_date,consent_date,consent_type\n"
        "COG,XVIII-12-a,2000-12-14,2004-06-30,ratification\n",
        encoding="utf-8",
    )
    report = hub.import_instruments(fix)
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 0)
    cog = _status(hub, "COG")["palermo-trafficking"]
    assert (cog["status"], cog["consent"], cog["source"]) == ("party", "2004-06-30", "palermo_fix.csv")
    assert _status(hub, "ALB")["palermo-trafficking"]["source"] == "XVIII-12-a.en.xml"
    sources = {s["id"]: s["files"] for s in hub.instrument_sources()}
    assert [f["source"] for f in sources["palermo-trafficking"]] == ["XVIII-12-a.en.xml", "palermo_fix.csv"]
    assert sources["untoc"] == []


def test_a_file_with_a_problem_stores_nothing(hub: Hub, tmp_path: Path) -> None:
    hub.import_instruments(P029)
    bad = tmp_path / "status.csv"
    bad.write_text(
        "country,instrument,signature_date,consent_date,consent_type\n"
        "GBR,P029,,2019-01-01,ratification\n"
        "Atlantis,P029,,2019-01-01,ratification\n",
        encoding="utf-8",
    )
    with pytest.raises(FileRejected, match="Atlantis") as caught:
        hub.import_instruments(bad)
    assert caught.value.file == "status.csv"
    assert _status(hub, "GBR")["ilo-p029"]["consent"] == "2016-01-22"  # not half-stored
    assert _audit(hub)[0]["outcome"] == "failed"


def test_a_failed_import_keeps_the_file_contents_out_of_the_audit_log(hub: Hub, tmp_path: Path) -> None:
    bad = tmp_path / "cases.csv"  # say, a case file uploaded by mistake: its header is quoted
    bad.write_text("full_name,date_of_birth\nJane Roe,1990-01-01\n", encoding="utf-8")
    with pytest.raises(FileRejected):
        hub.import_instruments(bad)
    entry = _audit(hub)[0]
    assert entry["outcome"] == "failed"
    assert "full_name" not in str(entry) and "Jane" not in str(entry)
    assert "FileRejected" in str(entry["detail"])


def test_a_failure_while_storing_rolls_the_whole_file_back(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    real = store.replace_statuses

    def store_then_fail(conn, records, **kwargs):
        real(conn, records, **kwargs)
        raise FileRejected("disk full", file="XVIII-12-a.en.xml")

    monkeypatch.setattr(store, "replace_statuses", store_then_fail)
    with pytest.raises(FileRejected, match="disk full"):
        hub.import_instruments(PALERMO)
    assert hub.instrument_status() == []


@pytest.mark.parametrize(
    "name,content,message",
    [
        (
            "XVIII-12-a.en.xml",
            "<html><body><table><tr><td>Country</td></tr></table></body></html>",
            "no participants table",
        ),
        ("XVIII-12-a.en.xml", "<Treaty><Participants>", "not well-formed XML"),
        (
            "status.xml",
            (DATA / "XVIII-12-a.en.xml")
            .read_text("latin-1")
            .replace("Palermo", "x")
            .replace("12. a) Protocol to Prevent", "Protocol on something else"),
            "cannot tell which",
        ),
    ],
)
def test_treaty_xml_of_an_unexpected_shape_is_refused_clearly(
    hub: Hub, tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="latin-1")
    with pytest.raises(FileRejected, match=message):
        hub.import_instruments(path)
    assert hub.instrument_status() == []


def test_naming_the_wrong_instrument_is_refused(hub: Hub) -> None:
    with pytest.raises(FileRejected, match="not the status of UNTOC"):
        hub.import_instruments(PALERMO, instrument="untoc")
    with pytest.raises(FileRejected, match="imported as opsc, but it has 4 row"):
        hub.import_instruments(P029, instrument="opsc")
    with pytest.raises(InvalidInput, match="unknown instrument"):
        hub.import_instruments(P029, instrument="kyoto")
    with pytest.raises(InvalidInput, match="unknown format"):
        hub.import_instruments(P029, format="xlsx")
    assert hub.instrument_status() == []


def test_format_is_told_from_the_content_without_a_known_suffix(hub: Hub, tmp_path: Path) -> None:
    copy = tmp_path / "download.dat"
    copy.write_bytes(PALERMO.read_bytes())
    assert hub.import_instruments(copy, instrument="XVIII-12-a")["format"] == "untc-xml"
    other = tmp_path / "ratifications.dat"
    other.write_bytes(P029.read_bytes())
    assert hub.import_instruments(other)["format"] == "csv"


def test_only_hub_administrators_import_and_anyone_reads(hub: Hub) -> None:
    with pytest.raises(Forbidden):
        hub.import_instruments(PALERMO, MEMBER)
    assert _audit(hub)[0]["outcome"] == "denied"
    assert hub.instrument_status() == []
    hub.import_instruments(PALERMO)
    assert hub.instrument_status(ANONYMOUS, country="ALB")[1]["status"] == "party"
    assert hub.instrument_sources(ANONYMOUS)[1]["files"][0]["source"] == "XVIII-12-a.en.xml"
    with pytest.raises(NotFound, match="unknown country"):
        hub.instrument_status(country="Atlantis")


def test_the_eu_and_instrument_ids_are_stored_as_tiphub_writes_them(hub: Hub) -> None:
    hub.import_instruments(PALERMO)
    from sqlalchemy import select

    from tiphub.store import schema as t

    with hub.db.connect() as conn:
        stored = {(r.country, r.instrument) for r in conn.execute(select(t.treaty_status))}
    assert ("group:EU", "palermo-trafficking") in stored


# The UN Treaty Collection's real status export, as public parsers of it read it (see the report
# in docs/coordination.md, "Instruments"): a root element holding Treaty/Header/ExternalData
# (Titlesect, Conclusion, EIF/Labeltext, Status) and Treaty/Participants/Table/TGroup with the
# header row in Thead/Row/Entry and the participants in Tbody/Rows/Row/Entry; ISO-8859-1;
# footnote markers as escaped "<superscript>n</superscript>" text; dates such as "22 Apr\t 2016",
# "[20 Jan\t 2021 A]" (an action later redone, in brackets) or with the month written out; the
# consent column's header lists its letters, in any order.
UNTC_SHAPED = """<?xml version="1.0" encoding="ISO-8859-1"?>
<TreatyCollection><Treaty>
<Header><Chapter><Name>CHAPTER IV</Name><Title>HUMAN RIGHTS</Title></Chapter>
<ExternalData>
<Titlesect>11. c) Optional Protocol to the Convention on the Rights of the Child on the sale of \
children, child prostitution and child pornography</Titlesect>
<Conclusion>New York, 25 May 2000</Conclusion>
<EIF><Labeltext>18 January 2002, in accordance with article 14(1).</Labeltext></EIF>
<Status><Signatories>121</Signatories><Parties>178</Parties></Status>
</ExternalData></Header>
<Participants><Table><TGroup>
<Thead><Row><Entry>Participant</Entry><Entry>Signature</Entry>\
<Entry>Accession(a), Succession(d), Ratification</Entry></Row></Thead>
<Tbody><Rows>
<Row><Entry>Andorra</Entry><Entry>7 Sep\t 2000</Entry><Entry>30 Apr\t 2001</Entry></Row>
<Row><Entry>Bosnia and Herzegovina&lt;superscript&gt;2&lt;/superscript&gt;</Entry><Entry>7 Sep\t 2000</Entry>\
<Entry>4 Sep\t 2002</Entry></Row>
<Row><Entry>Montenegro</Entry><Entry></Entry><Entry>23 October\t 2006 d</Entry></Row>
<Row><Entry>Somalia</Entry><Entry>[22 Apr\t 2021]</Entry><Entry></Entry></Row>
<Row><Entry>T\xfcrkiye</Entry><Entry>8 Sep\t 2000</Entry><Entry>19 Aug\t 2002</Entry></Row>
</Rows></Tbody>
</TGroup></Table></Participants>
</Treaty></TreatyCollection>
"""


def test_the_real_untc_export_shape_is_read(hub: Hub, tmp_path: Path) -> None:
    path = tmp_path / "IV-11-c.en.xml"
    path.write_bytes(UNTC_SHAPED.encode("latin-1"))
    report = hub.import_instruments(path)
    assert (report["instruments"], report["records"], report["parties"]) == (["opsc"], 5, 4)
    rows = {r["country"]: r for r in hub.instrument_status() if r["instrument"] == "opsc"}
    assert set(rows) == {"AND", "BIH", "MNE", "SOM", "TUR"}
    assert (rows["MNE"]["consent"], rows["MNE"]["consent_type"]) == ("2006-10-23", "succession")
    assert (rows["SOM"]["status"], rows["SOM"]["signed"]) == ("signatory", "2021-04-22")
    assert rows["BIH"]["participant"] == "Bosnia and Herzegovina"
    assert rows["TUR"]["consent_type"] == "ratification"
