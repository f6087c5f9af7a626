"""One programme by id, deleting a programme (its implementer's stewards and hub administrators;
its indicators and measurements go with it), the year filter, and `tiphub programmes delete`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from tiphub import Hub, NotFound
from tiphub.accounts import ANONYMOUS, Principal
from tiphub.errors import Forbidden
from tiphub.store import schema as t

SAMPLE = Path(__file__).parent / "data" / "programmes_5w.csv"


@pytest.fixture
def space(any_hub: Hub) -> Hub:
    any_hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
    any_hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    any_hub.import_programmes(SAMPLE, org="shelter")
    return any_hub


def member(hub: Hub, org: str, role: str, user_id: int = 7) -> Principal:
    return Principal(user_id=user_id, email=f"{role}@{org}.test", name=role,
                     roles={hub.organisation(org).id: role})


def by_code(hub: Hub, code: str):
    return next(p for p in hub.programmes() if p.code == code)


def add_indicator(hub: Hub, programme_id: int) -> None:
    now = datetime.now(UTC)
    with hub.db.begin() as conn:
        indicator = conn.execute(insert(t.indicators).values(
            programme_id=programme_id, code="OUT-1", level="output", name="People sheltered",
            unit="people", direction="increase", disaggregation="total", baseline=0,
            baseline_date=date(2024, 1, 1), target=100, target_date=date(2024, 12, 31),
            created_at=now, updated_at=now)).inserted_primary_key[0]
        conn.execute(insert(t.indicator_measurements).values(
            indicator_id=indicator, measured_on=date(2024, 6, 30), sex="all", age="all",
            value=40, recorded_by="test", recorded_at=now))


def count(hub: Hub, table) -> int:
    with hub.db.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_one_programme_and_the_year_filter(space: Hub) -> None:
    clinic = by_code(space, "SH-02")
    assert space.programme(clinic.id) == clinic
    with pytest.raises(NotFound):
        space.programme(999_999)
    with pytest.raises(Forbidden):
        space.programme(clinic.id, principal=ANONYMOUS)
    # SH-01 runs through 2024, SH-02 from March 2024 with no end, PO-01 February to June 2024
    assert {p.code for p in space.programmes(year=2024)} == {"SH-01", "SH-02", "PO-01"}
    assert {p.code for p in space.programmes(year=2026)} == {"SH-02"}
    assert space.programmes(year=2023) == []
    with pytest.raises(Exception, match="out of range"):
        space.programmes(year=20)


def test_the_implementers_stewards_delete_with_indicators(space: Hub) -> None:
    shelter = by_code(space, "SH-01")
    add_indicator(space, shelter.id)
    for who in (member(space, "police", "data_steward"), member(space, "shelter", "viewer"),
                member(space, "shelter", "analyst")):
        with pytest.raises(Forbidden):
            space.delete_programme(shelter.id, principal=who)
    with pytest.raises(Forbidden):
        space.delete_programme(shelter.id, principal=ANONYMOUS)
    assert space.programme(shelter.id).code == "SH-01"
    gone = space.delete_programme(shelter.id, principal=member(space, "shelter", "data_steward"))
    assert (gone.code, gone.organisation) == ("SH-01", "shelter")
    assert {p.code for p in space.programmes()} == {"SH-02", "PO-01"}
    assert count(space, t.indicators) == 0 and count(space, t.indicator_measurements) == 0
    with pytest.raises(NotFound):
        space.delete_programme(shelter.id)
    admin = Principal(user_id=9, email="hub@admin.test", name="admin", hub_admin=True)
    space.delete_programme(by_code(space, "PO-01").id, principal=admin)
    org_admin = member(space, "shelter", "org_admin")
    space.delete_programme(by_code(space, "SH-02").id, principal=org_admin)
    assert space.programmes() == []
    _total, audit = space.accounts.audit_log(limit=50)
    actions = [(e["action"], e["outcome"]) for e in audit]
    assert ("programmes:delete", "denied") in actions and ("programmes:delete", "ok") in actions
    # deleted programmes come back by importing the file again
    again = space.import_programmes(SAMPLE, org="shelter")
    assert again.created == 3


def test_programmes_delete_on_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tiphub", "--home", str(home), *args],
                              capture_output=True, text=True, timeout=120)

    assert run("db", "upgrade").returncode == 0
    for code, org_type in (("shelter", "NGO"), ("police", "LawEnforcement")):
        assert run("org", "add", code, "--name", code.title(), "--type", org_type).returncode == 0
    assert run("programmes", "import", str(SAMPLE), "--org", "shelter").returncode == 0
    listed = run("programmes", "list", "--year", "2024", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    clinic = next(r for r in rows if r["code"] == "SH-02")
    deleted = run("programmes", "delete", str(clinic["id"]))
    assert deleted.returncode == 0, deleted.stderr
    assert f"deleted programme {clinic['id']}: shelter/SH-02" in deleted.stdout
    missing = run("programmes", "delete", str(clinic["id"]))
    assert missing.returncode == 4 and "no programme" in missing.stderr
