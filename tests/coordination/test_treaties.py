"""Treaty status: the UN Treaty Collection XML and CSV readers, their refusals, the status table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tiphub.coordination.treaties import (
    EUROPEAN_UNION,
    TreatyStatus,
    instrument,
    instruments,
    read_status_csv,
    read_untc_xml,
    status_table,
)
from tiphub.errors import FileRejected, InvalidInput

DATA = Path(__file__).parent / "data" / "treaties"
SAMPLE = DATA / "XVIII-12-a.en.xml"
CONSENT_HEADER = "Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"


def untc_xml(rows: list[tuple[str, str, str]], *, title: str | None = None,
             header: tuple[str, ...] = ("Participant", "Signature", CONSENT_HEADER)) -> str:
    """A status export in the UNTC shape, with the given participant rows."""
    head = "".join(f"<Entry>{name}</Entry>" for name in header)
    body = "".join("<Row>" + "".join(f"<Entry>{cell}</Entry>" for cell in row) + "</Row>" for row in rows)
    titled = f"<Header><ExternalData><Titlesect>{title}</Titlesect></ExternalData></Header>" if title else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><TreatyCollection><Treaty>{titled}<Participants>'
            f"<Table><TGroup><Thead><Row>{head}</Row></Thead><Tbody><Rows>{body}</Rows></Tbody>"
            "</TGroup></Table></Participants></Treaty></TreatyCollection>")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def by_country(records: list[TreatyStatus]) -> dict[str, TreatyStatus]:
    return {record.country: record for record in records}


# -- the instruments -------------------------------------------------------------------------


def test_four_instruments_with_their_numbers_and_dates() -> None:
    found = {item.id: item for item in instruments()}
    assert list(found) == ["untoc", "palermo-trafficking", "opsc", "ilo-p029"]
    assert found["palermo-trafficking"].mtdsg_no == "XVIII-12-a"
    assert found["untoc"].mtdsg_no == "XVIII-12"
    assert found["opsc"].mtdsg_no == "IV-11-c"
    assert found["ilo-p029"].normlex_id == "P029" and found["ilo-p029"].mtdsg_no is None
    assert found["palermo-trafficking"].adopted == date(2000, 11, 15)
    assert all(item.adopted < item.entry_into_force for item in found.values())


def test_instrument_found_by_id_number_or_code_in_any_case() -> None:
    assert instrument("xviii-12-a").id == "palermo-trafficking"
    assert instrument("p029").id == "ilo-p029"
    assert instrument("OPSC").id == "opsc"
    with pytest.raises(InvalidInput, match="unknown instrument") as caught:
        instrument("XVIII-12-b")
    assert "palermo-trafficking" in caught.value.hint


# -- the UN Treaty Collection XML ------------------------------------------------------------


def test_untc_sample_is_read_with_names_suffixes_and_footnotes() -> None:
    records = by_country(read_untc_xml(SAMPLE))
    assert set(records) == {"AFG", "ALB", "BOL", "COG", "CIV", EUROPEAN_UNION, "MNE", "NLD", "PSE", "TUR"}
    assert {r.instrument for r in records.values()} == {"palermo-trafficking"}  # read from the title
    assert records["ALB"].signed == date(2000, 12, 12) and records["ALB"].consent == date(2002, 8, 21)
    assert records["ALB"].consent_type == "ratification"
    assert records["AFG"].consent_type == "accession" and records["AFG"].signed is None
    assert records["MNE"].consent_type == "succession"  # footnote given as escaped markup
    assert records["NLD"].consent_type == "acceptance"  # "A", not "a"
    assert records[EUROPEAN_UNION].consent_type == "approval"  # "AA"
    assert records["BOL"].participant == "Bolivia (Plurinational State of)"  # <superscript> dropped
    assert records["TUR"].participant == "Türkiye"  # ISO-8859-1, as UNTC serves it
    assert records["COG"].status == "signatory" and records["ALB"].status == "party"
    assert records["ALB"].source == "XVIII-12-a.en.xml"


def test_file_of_another_instrument_is_refused() -> None:
    with pytest.raises(FileRejected, match="not the status of UNTOC: the file is about Palermo"):
        read_untc_xml(SAMPLE, instrument="untoc")


def test_instrument_from_the_file_name_when_there_is_no_title(tmp_path: Path) -> None:
    rows = [("Albania", "", "5 Feb 2008 a")]
    assert read_untc_xml(write(tmp_path, "IV-11-c.en.xml", untc_xml(rows)))[0].instrument == "opsc"
    with pytest.raises(FileRejected, match=r"cannot tell .* \(UNTC number XVIII-12-b\)"):
        read_untc_xml(write(tmp_path, "XVIII-12-b.en.xml", untc_xml(rows)))
    with pytest.raises(FileRejected, match="not deposited with the UN Secretary-General"):
        read_untc_xml(write(tmp_path, "status.xml", untc_xml(rows)), instrument="P029")


def test_xml_without_a_participants_table_names_what_was_expected() -> None:
    with pytest.raises(FileRejected) as caught:
        read_untc_xml(DATA / "untc_not_a_status_table.xml")
    message = str(caught.value)
    assert "untc_not_a_status_table.xml: no participants table" in message
    assert "'Participant'" in message and "found root element <html>" in message


def test_truncated_xml_is_refused_with_its_position() -> None:
    pattern = r"untc_truncated.xml: not well-formed XML \(line \d+, column \d+\)"
    with pytest.raises(FileRejected, match=pattern):
        read_untc_xml(DATA / "untc_truncated.xml")


def test_missing_consent_column_is_named_with_the_columns_found(tmp_path: Path) -> None:
    path = write(tmp_path, "XVIII-12.en.xml", untc_xml([("Albania", "12 Dec 2000")],
                                                       header=("Participant", "Signature")))
    with pytest.raises(FileRejected) as caught:
        read_untc_xml(path)
    message = str(caught.value)
    assert "missing column(s) 'Ratification, Acceptance(A)" in message
    assert "found columns 'Participant', 'Signature'" in message


def test_every_row_problem_is_reported_at_once(tmp_path: Path) -> None:
    rows = [
        ("Atlantis", "12 Dec 2000", ""),                 # unknown participant
        ("Turkey", "13 Dec 2000", "25 Mar 2003"),
        ("Türkiye", "13 Dec 2000", "25 Mar 2003"),       # the same country twice
        ("Albania", "12 Dec 2002", "21 Aug 2002"),       # consent before signature
        ("Algeria", "6 Jun 1999", "9 Mar 2004"),         # signed before adoption
        ("Andorra", "", "22 Sep 2011 c"),                # suffix the header does not explain
        ("Angola", "31 Feb 2001", ""),                   # no such day
    ]
    with pytest.raises(FileRejected) as caught:
        read_untc_xml(write(tmp_path, "XVIII-12-a.en.xml", untc_xml(rows)))
    message = str(caught.value)
    assert "6 problem(s), nothing was read" in message
    assert "not recognised as a country: 'Atlantis' (row 1)" in message
    assert "row 3 (Türkiye): TUR already appears at row 2 (Turkey)" in message
    assert "row 4 (Albania): consent date 2002-08-21 is before the signature date 2002-12-12" in message
    assert "row 5 (Algeria): signature date 1999-06-06 is before Palermo" in message
    assert "row 6, column 'Ratification, Acceptance(A)" in message and "suffix 'c'" in message
    assert "row 7, column 'Signature': '31 Feb 2001' is not a calendar date" in message
    assert "alias" in caught.value.hint


def test_aliases_map_names_the_hub_does_not_know(tmp_path: Path) -> None:
    path = write(tmp_path, "XVIII-12-a.en.xml", untc_xml([("Republic of Atlantis", "", "1 Jan 2010 a")]))
    assert read_untc_xml(path, aliases={"Republic of Atlantis": "ALB"})[0].country == "ALB"
    with pytest.raises(InvalidInput, match="'ATL' is not an ISO 3166 alpha-3 code"):
        read_untc_xml(path, aliases={"Republic of Atlantis": "ATL"})


def test_bracketed_participant_has_withdrawn(tmp_path: Path) -> None:
    path = write(tmp_path, "XVIII-12.en.xml", untc_xml([("[Holy See<superscript>4</superscript>]", "",
                                                          "25 Jan 2012 a")]))
    record = read_untc_xml(path)[0]
    assert (record.country, record.withdrawn, record.status) == ("VAT", True, "none")


def test_utf8_file_still_declaring_latin1_reads_right(tmp_path: Path) -> None:
    text = untc_xml([("Türkiye", "13 Dec 2000", "25 Mar 2003")]).replace("UTF-8", "ISO-8859-1")
    path = tmp_path / "XVIII-12-a.en.xml"
    path.write_bytes(text.encode("utf-8"))
    assert read_untc_xml(path)[0].country == "TUR"


def test_xhtml_table_with_the_same_columns_is_read(tmp_path: Path) -> None:
    text = ('<html xmlns="http://www.w3.org/1999/xhtml"><body><table>'
            f"<tr><th>Participant</th><th>Signature</th><th>{CONSENT_HEADER}</th></tr>"
            "<tr><td>Côte d'Ivoire</td><td></td><td>25 Oct 2012 a</td></tr></table></body></html>")
    record = read_untc_xml(write(tmp_path, "page.xhtml", text), instrument="palermo-trafficking")[0]
    assert (record.country, record.consent_type) == ("CIV", "accession")


# -- CSV -------------------------------------------------------------------------------------


def test_csv_of_a_normlex_extract() -> None:
    records = by_country(read_status_csv(DATA / "ilo_p029.csv"))
    assert set(records) == {"NER", "NOR", "GBR", "FRA"}  # "France" resolved by name
    assert records["NER"].consent == date(2015, 6, 14) and records["NER"].signed is None
    assert {r.instrument for r in records.values()} == {"ilo-p029"}


def test_csv_with_mixed_date_formats_names_row_and_column() -> None:
    with pytest.raises(FileRejected) as caught:
        read_status_csv(DATA / "mixed_dates.csv")
    message = str(caught.value)
    assert message.startswith("mixed_dates.csv: 1 problem(s)")
    assert "3 written YYYY-MM-DD, 1 written D Mon YYYY" in message
    assert "row 4, column 'consent_date'" in message


def test_csv_row_problems(tmp_path: Path) -> None:
    text = ("country;instrument;signature_date;consent_date;consent_type\n"
            "XXX;P029;;2016-01-01;ratification\n"          # not an ISO3 code
            "NER;P999;;2016-01-01;ratification\n"          # unknown instrument
            "NOR;P029;;09/11/2015;ratification\n"          # day/month ambiguous
            "GBR;P029;;2016-01-22;\n"                      # consent type missing
            "FRA;P029;;2013-06-07;ratification\n"          # before adoption
            "ALB;palermo-trafficking;2000-12-12;2002-08-21;ratification\n"
            "ALB;XVIII-12-a;2000-12-12;2002-08-21;ratification\n")  # duplicate
    with pytest.raises(FileRejected) as caught:
        read_status_csv(write(tmp_path, "statuses.csv", text))
    message = str(caught.value)
    assert "not recognised as a country: 'XXX' (row 2)" in message
    assert "row 3, column 'instrument': unknown instrument 'P999'" in message
    assert "row 4, column 'consent_date': '09/11/2015' is not a date" in message
    assert "row 5, column 'consent_type': empty, but there is a consent date" in message
    assert "row 6: consent date 2013-06-07 is before ILO P029 was adopted (2014-06-11)" in message
    assert "row 8: ALB already appears at row 7" in message


def test_csv_missing_columns_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(FileRejected, match="missing column.*consent_date, consent_type; found iso3"):
        read_status_csv(write(tmp_path, "short.csv", "iso3,instrument\nNER,P029\n"))
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("country,instrument,consent_date,consent_type\nTürkiye,P029,,\n".encode("latin-1"))
    with pytest.raises(FileRejected, match="not UTF-8"):
        read_status_csv(latin1)
    with pytest.raises(FileRejected, match="file not found"):
        read_status_csv(tmp_path / "absent.csv")


# -- the model and the table -----------------------------------------------------------------


def test_status_follows_signature_consent_and_withdrawal() -> None:
    assert TreatyStatus("ALB", "opsc").status == "none"
    assert TreatyStatus("ALB", "opsc", signed=date(2000, 9, 6)).status == "signatory"
    party = TreatyStatus("ALB", "opsc", consent=date(2008, 2, 5), consent_type="accession")
    assert party.status == "party" and party.as_dict()["consent"] == "2008-02-05"
    with pytest.raises(InvalidInput, match="go together"):
        TreatyStatus("ALB", "opsc", consent=date(2008, 2, 5))
    with pytest.raises(InvalidInput, match="unknown consent type"):
        TreatyStatus("ALB", "opsc", consent=date(2008, 2, 5), consent_type="adhesion")


def test_status_table_includes_countries_that_are_not_parties() -> None:
    records = read_untc_xml(SAMPLE) + read_status_csv(DATA / "ilo_p029.csv")
    table = status_table(records, countries=["ALB", "jpn", "FRA"])
    assert table.countries == ("ALB", "JPN", "FRA")  # the EU only when asked for
    assert table.instruments == ("palermo-trafficking", "ilo-p029")  # the covered ones
    assert [cell.status for cell in table.rows()[1][1]] == ["none", "none"]
    assert table.cell("FRA", "ilo-p029").status == "party"
    assert table.counts()["palermo-trafficking"] == {"party": 1, "signatory": 0, "none": 2}
    assert table.sources == {"palermo-trafficking": ("XVIII-12-a.en.xml",), "ilo-p029": ("ilo_p029.csv",)}
    every = status_table(records, instruments=["untoc", "XVIII-12-a"])
    assert EUROPEAN_UNION in every.countries and every.sources["untoc"] == ()


def test_status_table_refuses_disagreeing_sources_and_unknown_codes() -> None:
    first = TreatyStatus("ALB", "opsc", consent=date(2008, 2, 5), consent_type="accession", source="a.xml")
    same = TreatyStatus("ALB", "opsc", consent=date(2008, 2, 5), consent_type="accession", source="b.csv")
    assert status_table([first, same]).cell("ALB", "opsc") is first
    other = TreatyStatus("ALB", "opsc", consent=date(2009, 2, 5), consent_type="accession", source="c.csv")
    with pytest.raises(InvalidInput, match="ALB, opsc: a.xml and c.csv disagree"):
        status_table([first, other])
    with pytest.raises(InvalidInput, match="'ATL' is not an ISO 3166 alpha-3 code"):
        status_table([first], countries=["ATL"])


def test_a_header_without_rows_is_refused(tmp_path) -> None:
    from tiphub.coordination.treaties import read_status_csv
    from tiphub.errors import FileRejected

    path = tmp_path / "empty.csv"
    path.write_text("country,instrument,consent_date,consent_type\n")
    with pytest.raises(FileRejected, match="no status rows"):
        read_status_csv(path)


@pytest.mark.parametrize("data", [b"country,instrument\nGBR,a\rb\n", b"a,\"b\nc", b"\x00\x00,\r\r\n\"", b""])
def test_a_file_the_csv_reader_cannot_read_is_refused_cleanly(tmp_path, data: bytes) -> None:
    """Found by the API fuzz test: a bare carriage return in a cell gave an internal error."""
    from tiphub.coordination.treaties import read_status_csv
    from tiphub.errors import FileRejected

    path = tmp_path / "odd.csv"
    path.write_bytes(data)
    with pytest.raises(FileRejected):
        read_status_csv(path)
