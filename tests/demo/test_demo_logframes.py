"""The demo's logframes show every progress status, whenever the demo runs."""

from __future__ import annotations

from datetime import date

from tiphub import Hub
from tiphub.coordination.indicators import STATUSES
from tiphub.demo.logframes import load_logframes, month

PROGRAMMES = ("Code,Activity,Type,Country\n#activity+code,#activity+name,#activity+type,"
              "#country+code\n")


def test_month_counts_from_the_first_of_the_month() -> None:
    assert month(0, date(2024, 3, 17)) == date(2024, 3, 1)
    assert month(-3, date(2024, 2, 5)) == date(2023, 11, 1)
    assert month(11, date(2024, 2, 5)) == date(2025, 1, 1)


def test_every_status_is_shown(hub: Hub, write, tmp_path) -> None:
    for org, code, kind in (("shelter", "SH-BEDS-NORTH", "shelter"),
                            ("police", "P-TRAIN-NORTH", "training_law_enforcement")):
        hub.add_organisation(org, org.title(), "NGO", "GBR")
        hub.import_programmes(write(f"{org}.csv", PROGRAMMES + f"{code},A,{kind},GBR\n"), org=org)
    assert load_logframes(hub, tmp_path, "GBR") == 6
    assert {i["progress"]["status"] for i in hub.indicators(country="GBR")} == set(STATUSES)
    assert load_logframes(hub, tmp_path, "GBR") == 6  # again: nothing changes
    assert len(hub.indicators()) == 6
    assert load_logframes(hub, tmp_path, "FRA") == 0  # no demo programmes there
