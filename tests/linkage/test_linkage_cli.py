"""The linkage commands end to end, as organisations and the hub would run them: encode on
each organisation's machine, import, link, show, export the overlap table, evaluate."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"
PEOPLE = ["prs_Id,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,prs_Citizenship,"
          "vic_IdentificationDate,vic_TraffickingStatus,vic_TypeOfExploitation,hte_ExploitationCountry"]


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tiphub", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=300)


def people(path: Path, names: list[tuple[str, str, str]]) -> Path:
    rows = [f"L{i:04d},{given},{family},{born},Feminine,UKR,2022-04-01,PossibleVictimOfTrafficking,"
            "ForcedLabour,POL" for i, (given, family, born) in enumerate(names)]
    path.write_text("\n".join(PEOPLE + rows) + "\n", encoding="utf-8")
    return path


def test_encode_import_link_show(tmp_path: Path) -> None:
    home = tmp_path / "home"
    secret = tmp_path / "secret.key"
    secret.write_text("a shared secret of the organisations, never the hub\n")
    shared = [("Olena", "Kovalenko", "1990-03-14"), ("Iryna", "Shevchenko", "1985-11-02")]
    first = people(tmp_path / "police.csv", shared + [("Mariia", "Bondarenko", "1979-07-30")])
    # the shelter writes one shared person in Cyrillic with a typo-free birth date
    second = people(tmp_path / "shelter.csv", [("Олена", "Коваленко", "1990-03-14"),
                                               ("Iryna", "Shevchenko", "1985-11-02"),
                                               ("Tetiana", "Melnyk", "1999-01-20")])
    for org, source in (("police", first), ("shelter", second)):
        assert run(home, "org", "add", org, "--name", org, "--type", "NGO").returncode == 0
        out = tmp_path / f"{org}.encoded.csv"
        encoded = run(home, "encode", str(source), "--secret-file", str(secret), "-o", str(out))
        assert encoded.returncode == 0, encoded.stderr
        text = out.read_text(encoding="utf-8")
        assert "Olena" not in text and "Kovalenko" not in text and "1990" not in text
        assert "clk,clk_schema" in text.splitlines()[0]
        imported = run(home, "import", str(out), "--org", org)
        assert imported.returncode == 0 and "htcds-encoded" in imported.stdout
    linked = run(home, "link", "--threshold", "0.75", "--format", "json")
    assert linked.returncode == 0, linked.stderr
    summary = json.loads(linked.stdout)
    assert (summary["records"], summary["persons"]) == (6, 4)
    shown = run(home, "link-show", "--exact")
    assert shown.returncode == 0 and "are 4 distinct" in " ".join(shown.stdout.split())
    overlap = tmp_path / "overlap.csv"
    assert run(home, "link-overlap", "-o", str(overlap)).returncode == 0
    assert list(csv.reader(overlap.open())) == [["police", "shelter", "count"], ["1", "0", "1"],
                                                ["0", "1", "1"], ["1", "1", "2"]]
    runs = run(home, "link-runs", "--format", "json")
    assert [r["persons"] for r in json.loads(runs.stdout)] == [4]


def test_encode_refuses_a_short_secret_without_echoing_it(tmp_path: Path) -> None:
    secret = tmp_path / "short.key"
    secret.write_text("tiny-secret")
    source = people(tmp_path / "p.csv", [("Olena", "Kovalenko", "1990-03-14")])
    result = run(tmp_path / "home", "encode", str(source), "--secret-file", str(secret),
                 "-o", str(tmp_path / "out.csv"))
    assert result.returncode != 0 and "tiny-secret" not in result.stdout + result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_link_eval_reaches_the_febrl_bar(tmp_path: Path) -> None:
    result = run(tmp_path, "link-eval", str(DATA / "febrl" / "dataset4a.csv"),
                 str(DATA / "febrl" / "dataset4b.csv"), "--schema", str(DATA / "febrl_schema.json"),
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["f1"] >= 0.995 and figures["records"] == 10_000


def test_the_linkage_guide_names_real_commands_and_files(tmp_path: Path) -> None:
    import re

    root = Path(__file__).parents[2]
    guide = (root / "docs" / "linkage.md").read_text(encoding="utf-8")
    help_text = run(tmp_path, "--help").stdout
    code = "\n".join(re.findall(r"```sh\n(.*?)```", guide, re.S))
    for command in set(re.findall(r"^\s*tiphub ([a-z-]+)", code, re.M)):
        assert f" {command} " in help_text, command
    for path in set(re.findall(r"`((?:tiphub|tests)/[\w./-]+\.(?:py|json|md))`", guide)):
        assert (root / path).exists(), path
    schema_module = (root / "tiphub" / "linkage" / "schema.py").read_text(encoding="utf-8")
    assert '"recordSalt"' in schema_module and '"balance"' in schema_module


def test_the_estimation_guide_names_real_commands(tmp_path: Path) -> None:
    import re

    guide = (Path(__file__).parents[2] / "docs" / "estimation.md").read_text(encoding="utf-8")
    help_text = run(tmp_path, "estimate", "--help").stdout
    code = "\n".join(re.findall(r"```sh\n(.*?)```", guide, re.S))
    for option in set(re.findall(r"(--[a-z-]+)", code)):
        assert option in help_text, option
