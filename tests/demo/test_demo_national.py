"""The national demo: HTCDS files of overlapping organisations, with realistic variants."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date
from itertools import combinations
from pathlib import Path

import pycountry
import pytest

from tiphub.demo import HTCDS_COLUMNS, IDENTIFYING, DemoManifest, generate_demo
from tiphub.vocab.codes import htcds

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("prs_FirstName", "prs_MiddleName", "prs_SecondName")
MULTI = ("vic_TypeOfExploitation", "vic_ForcedLabourIndustry", "vic_TypeOfSexExploitation",
         "vic_MethodsOfControl", "vic_RelationshipToTrafficker")
Row = dict[str, str]


def profile_columns() -> list[str]:
    """The columns of the ``htcds`` table in docs/profiles.md, in order."""
    text = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    section = text.split("## `htcds`", 1)[1].split("\n## ", 1)[0]
    columns: list[str] = []
    for line in section.splitlines():
        if line.startswith("| `"):
            columns += re.findall(r"`([^`]+)`", line.split("|")[1])
    return columns


def read(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def records(demo: DemoManifest) -> dict[str, list[Row]]:
    return {o.code: read(demo.files[o.code]) for o in demo.organisations}


def by_person(demo: DemoManifest) -> dict[str, list[Row]]:
    rows = {(org, r["prs_Id"]): r for org, rs in records(demo).items() for r in rs}
    out: dict[str, list[Row]] = defaultdict(list)
    for t in read(demo.truth):
        out[t["person_id"]].append(rows[(t["org"], t["prs_Id"])])
    return out


def pairs(demo: DemoManifest) -> list[tuple[Row, Row]]:
    return [p for rs in by_person(demo).values() for p in combinations(rs, 2)]


def iso3(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code) if len(code) == 2 else \
        pycountry.countries.get(alpha_3=code)
    assert found is not None, code
    return found.alpha_3


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (a transposition counts as one edit)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate_demo(tmp_path_factory.mktemp("demo"), people=1200, global_rows=1000)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    """Many persons held by several organisations, to see the variants between records."""
    return generate_demo(tmp_path_factory.mktemp("crowded"), people=1500, global_rows=0, seed=7,
                         held_by_several=0.5)


def test_files_have_the_htcds_header_of_the_profile_doc(demo: DemoManifest) -> None:
    assert list(HTCDS_COLUMNS) == profile_columns()
    for org in demo.organisations:
        with demo.files[org.code].open(encoding="utf-8") as f:
            assert next(csv.reader(f)) == list(HTCDS_COLUMNS)
    with demo.files["ctdc-global"].open(encoding="utf-8") as f:
        assert len(next(csv.reader(f))) == 27
    assert set(IDENTIFYING) == {"prs_FirstName", "prs_MiddleName", "prs_SecondName",
                                "prs_Birthdate", "prs_DocumentNumber"}


def test_organisations_are_of_several_htcds_types(demo: DemoManifest) -> None:
    types = {o.type for o in demo.organisations}
    assert {"LawEnforcement", "NGO", "CentralGovernmentOrganisation", "ImmigrationService"} <= types
    assert types <= set(htcds()["org_Type"])
    assert len(demo.organisations) == 5 and {o.country for o in demo.organisations} == {"GBR"}
    assert demo.country == "GBR" and set(demo.files) == {o.code for o in demo.organisations} | {
        "ctdc-global"}


def test_values_are_htcds_value_names(demo: DemoManifest) -> None:
    vocab = htcds()
    for org, rows in records(demo).items():
        assert len({r["prs_Id"] for r in rows}) == len(rows) and all(r["prs_Id"] for r in rows)
        for r in rows:
            assert r["prs_Gender"] in {"", *vocab["prs_Gender"]}
            assert r["vic_TraffickingStatus"] in {"", *vocab["vic_TraffickingStatus"]}
            decided = r["vic_TraffickingStatusDecisionMakingOrg"]
            assert decided in {"", *vocab["vic_TraffickingStatusDecisionMakingOrg"]}
            assert bool(decided) == bool(r["vic_TraffickingStatus"])
            for name in MULTI:
                assert all(v in vocab[name] for v in r[name].split(";") if r[name]), (org, name)
            for name in ("prs_Citizenship", "hte_ExploitationCountry"):
                if r[name]:
                    iso3(r[name])
            for name in ("prs_PrimaryLanguage", "prs_SecondaryLanguage"):
                assert not r[name] or pycountry.languages.get(alpha_3=r[name]), r[name]
            seen = date.fromisoformat(r["vic_IdentificationDate"])
            assert date(2012, 1, 1) <= seen <= date(2023, 12, 31)
            if r["prs_Birthdate"]:
                assert date.fromisoformat(r["prs_Birthdate"]) < seen
            for name in ("vic_AgeAtIdentification", "vic_ExploitationDurationMonths"):
                assert not r[name] or 0 <= int(r[name]) < 100


def test_fields_are_often_not_recorded(demo: DemoManifest) -> None:
    rows = [r for rs in records(demo).values() for r in rs]
    for name in ("prs_Birthdate", "prs_DocumentNumber", "vic_MethodsOfControl",
                 "vic_RelationshipToTrafficker", "vic_ExploitationDurationMonths",
                 "vic_AgeAtIdentification", "prs_PrimaryLanguage"):
        blank = sum(not r[name] for r in rows) / len(rows)
        assert 0.1 <= blank <= 0.8, name
    for name in ("prs_Citizenship", "vic_TypeOfExploitation", "prs_Gender"):
        assert any(not r[name] for r in rows), name


def test_truth_names_every_record_once(demo: DemoManifest) -> None:
    truth = read(demo.truth)
    assert list(truth[0]) == ["org", "prs_Id", "person_id"]
    keys = [(t["org"], t["prs_Id"]) for t in truth]
    files = [(org, r["prs_Id"]) for org, rows in records(demo).items() for r in rows]
    assert len(set(keys)) == len(keys) and set(keys) == set(files)
    assert len({t["person_id"] for t in truth}) == demo.people == 1200


def test_summed_counts_overstate_persons_like_published_lists(demo: DemoManifest) -> None:
    held = Counter(t["person_id"] for t in read(demo.truth))
    overstated = sum(held.values()) / len(held) - 1
    assert 0.04 <= overstated <= 0.12  # domain.md §4: 5.5-9.6 %
    sizes = Counter(held.values())
    assert max(sizes) <= 4 and sizes[1] / len(held) >= 0.85 and sizes[3] + sizes[4] > 0


def test_more_overlap_can_be_asked_for(crowded: DemoManifest) -> None:
    held = Counter(t["person_id"] for t in read(crowded.truth))
    assert 0.4 <= sum(n > 1 for n in held.values()) / len(held) <= 0.6


def test_the_same_person_is_written_with_typos_and_variants(crowded: DemoManifest) -> None:
    found: Counter[str] = Counter()
    for a, b in pairs(crowded):
        fa, fb = a["prs_FirstName"], b["prs_FirstName"]
        if fa and fb and fa != fb and fa.isascii() and fb.isascii():
            found["typo" if distance(fa, fb) == 1 else "spelling"] += 1
            if sorted(fa) == sorted(fb) and distance(fa, fb) == 1:
                found["transposition"] += 1
        if fa and fa == b["prs_SecondName"]:
            found["swapped"] += 1
        if bool(a["prs_MiddleName"]) != bool(b["prs_MiddleName"]):
            found["middle missing"] += 1
        if bool(a["prs_Birthdate"]) != bool(b["prs_Birthdate"]):
            found["birth date missing"] += 1
        if a["prs_Birthdate"] and b["prs_Birthdate"] and a["prs_Birthdate"] != b["prs_Birthdate"]:
            da, db = date.fromisoformat(a["prs_Birthdate"]), date.fromisoformat(b["prs_Birthdate"])
            if (da.year, da.month, da.day) == (db.year, db.day, db.month):
                found["day/month swap"] += 1
            elif (da.month, da.day) == (db.month, db.day) and abs(da.year - db.year) == 1:
                found["year off by one"] += 1
        if a["prs_DocumentNumber"] and b["prs_DocumentNumber"] and \
                a["prs_DocumentNumber"] != b["prs_DocumentNumber"]:
            found["document variant"] += 1
        if a["vic_MethodsOfControl"] and b["vic_MethodsOfControl"] and \
                a["vic_MethodsOfControl"] != b["vic_MethodsOfControl"]:
            found["fewer means"] += 1
    names = [r[n] for rs in records(crowded).values() for r in rs for n in NAMES]
    found["cyrillic"] = sum(bool(re.search("[\u0400-\u04ff]", n)) for n in names)
    found["arabic"] = sum(bool(re.search("[\u0600-\u06ff]", n)) for n in names)
    found["upper-case family name"] = sum(n.isupper() and len(n) > 3 for n in names)
    missing = [k for k in ("typo", "spelling", "transposition", "swapped", "middle missing",
                           "birth date missing", "day/month swap", "year off by one",
                           "document variant", "fewer means", "cyrillic", "arabic",
                           "upper-case family name") if found[k] == 0]
    assert missing == [], found


def test_records_of_one_person_mostly_agree(crowded: DemoManifest) -> None:
    same_gender = same_country = compared_gender = compared_country = 0
    for a, b in pairs(crowded):
        if {a["prs_Gender"], b["prs_Gender"]} & {"", "NonSpecifiedUnknown"} == set():
            compared_gender += 1
            same_gender += a["prs_Gender"] == b["prs_Gender"]
        if a["prs_Citizenship"] and b["prs_Citizenship"]:
            compared_country += 1
            same_country += iso3(a["prs_Citizenship"]) == iso3(b["prs_Citizenship"])
    assert same_gender / compared_gender > 0.95 and same_country == compared_country


def test_identifiers_stay_in_identifying_columns(demo: DemoManifest) -> None:
    analytic = [c for c in HTCDS_COLUMNS if c not in IDENTIFYING and c != "prs_Id"]
    rows = [r for rs in records(demo).values() for r in rs]
    for r in rows:
        ids = {r[c] for c in IDENTIFYING if r[c]}
        assert ids.isdisjoint(r[c] for c in analytic)
    names = {r[c] for r in rows for c in (*NAMES, "prs_DocumentNumber") if r[c]}
    cells = {r[c] for r in rows for c in analytic if r[c]}
    assert names.isdisjoint(cells)
    documents = {r["prs_DocumentNumber"] for r in rows if r["prs_DocumentNumber"]}
    assert not any(d in cell for d in documents for cell in cells)


def test_same_seed_same_files(tmp_path: Path) -> None:
    a = generate_demo(tmp_path / "a", people=300, global_rows=200, seed=5)
    b = generate_demo(tmp_path / "b", people=300, global_rows=200, seed=5)
    c = generate_demo(tmp_path / "c", people=300, global_rows=200, seed=6)
    for key, path in a.files.items():
        assert path.read_bytes() == b.files[key].read_bytes(), key
    assert a.truth.read_bytes() == b.truth.read_bytes()
    assert a.files["police"].read_bytes() != c.files["police"].read_bytes()


def test_another_country_gets_its_own_flows(tmp_path: Path) -> None:
    demo = generate_demo(tmp_path, country="tha", people=400, global_rows=0)
    rows = [r for rs in records(demo).values() for r in rs]
    citizens = Counter(iso3(r["prs_Citizenship"]) for r in rows if r["prs_Citizenship"])
    assert {"THA", "MMR", "KHM", "LAO"} <= {c for c, _ in citizens.most_common(6)}
    exploited = [r["hte_ExploitationCountry"] for r in rows if r["hte_ExploitationCountry"]]
    assert sum(iso3(c) == "THA" for c in exploited) / len(exploited) > 0.75
    with pytest.raises(ValueError, match="alpha-3"):
        generate_demo(tmp_path, country="XYZ")
    with pytest.raises(ValueError):
        generate_demo(tmp_path, people=0)
