"""HXL export and import: a round trip loses nothing; Excel carries the same table; the
commands and the guide agree."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from tiphub import Hub, Settings
from tiphub.coordination.hxl import MAPPING

ROOT = Path(__file__).parents[2]
SAMPLE = Path(__file__).parent / "data" / "programmes_5w.csv"


def _hub(path: Path) -> Hub:
    hub = Hub(Settings(home=path, current_year=2025, rounding_base=1))
    hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    return hub


def test_round_trip_loses_nothing(any_hub: Hub, tmp_path: Path, write) -> None:
    any_hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
    any_hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    any_hub.import_programmes(SAMPLE, org="shelter")
    # a name a spreadsheet would run as a formula, and a second-precision budget
    any_hub.import_programmes(write("odd.csv", (
        "Activity,Type,Country,Budget,Currency,Funders\n"
        "#activity+name,#activity+type,#country+code,#value+budget,#currency,#org+funder\n"
        "=1+1 awareness,awareness_raising,FRA,0.1,EUR,@donor;Fund, with comma\n")), org="police")
    first = any_hub.programmes_export("csv")
    before = [p.model_dump(exclude={"id", "created_at", "updated_at"})
              for p in any_hub.programmes()]
    exported = tmp_path / "export.csv"
    exported.write_bytes(first)
    with _hub(tmp_path / "empty") as empty:
        report = empty.import_programmes(exported, org="shelter")
        assert report.created == 4 and not report.problems
        after = [p.model_dump(exclude={"id", "created_at", "updated_at"})
                 for p in empty.programmes()]
        assert after == before
        assert empty.programmes_export("csv") == first
    lines = first.decode().splitlines()
    assert lines[1] == ",".join(c.tag for c in MAPPING)
    assert "'=1+1 awareness" in first.decode()  # neutralised for spreadsheets, restored on import


def test_excel_export_has_the_same_table(hub: Hub, tmp_path: Path) -> None:
    hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    hub.import_programmes(SAMPLE, org="shelter")
    path = hub.export_programmes(tmp_path / "out" / "programmes.xlsx")
    sheet = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)["programmes"]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[1] == [c.tag for c in MAPPING] and len(table) == 5
    budget = [c.field for c in MAPPING].index("budget")
    assert [r[budget] for r in table[2:]] == [None, 250000, 1500.5]
    csv_table = list(csv.reader(io.StringIO(hub.programmes_export("csv").decode())))
    assert [["" if v is None else str(v) for v in row] for row in table] == csv_table


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tiphub", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=120)


def test_commands_end_to_end_and_the_guide_names_real_commands(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "org", "add", "shelter", "--name", "Shelter").returncode == 0
    assert run(home, "directory", "set", "police", "--name", "Police", "--type", "LawEnforcement",
               "--country", "GBR").returncode == 0
    done = run(home, "directory", "set", "rapporteur-gbr", "--name", "Rapporteur", "--kind",
               "national_rapporteur", "--not-member", "--contact-email", "info@r.example")
    assert done.returncode == 0, done.stderr
    listed = run(home, "directory", "list", "--kind", "national_rapporteur", "--format", "csv")
    assert "rapporteur-gbr" in listed.stdout and "shelter" not in listed.stdout
    done = run(home, "programmes", "import", str(SAMPLE), "--org", "shelter")
    assert done.returncode == 0 and "3 added" in done.stdout, done.stderr
    assert "SH-02" in run(home, "programmes", "list", "--pillar", "protection", "--format",
                          "csv").stdout
    out = tmp_path / "5w.xlsx"
    assert run(home, "programmes", "export", "-o", str(out)).returncode == 0 and out.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("Activity\n#activity+name\nX\n")
    failed = run(home, "programmes", "import", str(bad), "--org", "shelter")
    assert failed.returncode == 65 and "#country+code" in failed.stderr
    # the guide
    guide = (ROOT / "docs" / "coordination.md").read_text(encoding="utf-8")
    code = "\n".join(re.findall(r"```sh\n(.*?)```", guide, re.S))
    commands = set(re.findall(r"^\s*tiphub ([a-z-]+)(?: ([a-z-]+))?", code, re.M))
    assert {c for c, _ in commands} >= {"directory", "programmes"}
    for command, sub in commands:
        help_text = run(home, command, "--help").stdout
        assert not sub or f" {sub} " in help_text, (command, sub)
    for tag in (c.tag for c in MAPPING):  # the mapping table is documented, tag by tag
        assert f"`{tag}`" in guide, tag
    for path in set(re.findall(r"`((?:tiphub|tests)/[\w./-]+\.(?:py|json|md|csv))`", guide)):
        assert (ROOT / path).exists(), path
