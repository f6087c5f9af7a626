"""The demo's coordination space imports cleanly and has an overlap and a gap to show."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from tiphub import Hub
from tiphub.demo.coordination import ACTIVITIES, first_level_areas, load_coordination

ORGS = sorted({a.org for a in ACTIVITIES})


def _load(hub: Hub, tmp_path: Path) -> dict[str, int]:
    for org in ORGS:
        hub.add_organisation(org, org.title(), "NGO", "GBR")
    return load_coordination(hub, tmp_path, "GBR", ORGS, seed=7)


def test_every_organisation_s_file_imports_and_a_second_run_changes_nothing(hub: Hub, tmp_path: Path) -> None:
    first = _load(hub, tmp_path)
    assert set(first) == set(ORGS) and sum(first.values()) == len(hub.programmes())
    again = load_coordination(hub, tmp_path, "GBR", ORGS, seed=7)
    assert again == first and len(hub.programmes()) == sum(first.values())
    kinds = {e.kind for e in hub.directory(country="GBR")}
    assert {"national_rapporteur", "national_coordinator", "referral_mechanism"} <= kinds


def test_activities_overlap_somewhere_and_one_area_has_no_protection(hub: Hub, tmp_path: Path) -> None:
    _load(hub, tmp_path)
    doing: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p in hub.programmes():
        doing[(p.adm1, p.intervention)].add(p.organisation)
        assert p.reached is None or p.reached <= p.targeted
    assert any(len(orgs) > 1 for orgs in doing.values())
    protected = {adm1 for (adm1, _), _ in doing.items()
                 if any(p.pillar == "protection" and p.adm1 == adm1 for p in hub.programmes())}
    assert set(first_level_areas("GBR")) - protected == {"Wales"}
