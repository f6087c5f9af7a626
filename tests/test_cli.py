"""The command line mirrors the Hub: same verbs, same parameters, clear errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from factories import ctdc_csv, ctdc_row


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tiphub", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_import_stats_and_errors_through_the_cli(home: Path, write) -> None:
    assert run(home, "db", "upgrade").returncode == 0
    assert run(home, "org", "add", "ngo", "--name", "An NGO", "--type", "NGO").returncode == 0
    rows = [ctdc_row() for _ in range(30)] + [ctdc_row(gender="Secret Name")]
    result = run(home, "import", str(write("c.csv", ctdc_csv(rows))), "--org", "ngo")
    assert result.returncode == 3  # some rows quarantined
    assert "quarantined 1" in result.stdout and "Secret" not in result.stdout + result.stderr
    stats = run(home, "stats", "sex-age", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["total"]["count"] == 30
    csv_out = run(home, "stats", "forms", "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("Form of exploitation")
    missing = run(home, "import", str(write("c2.csv", ctdc_csv(rows))), "--org", "nobody")
    assert missing.returncode == 4 and "tiphub org add" in missing.stderr
    bad_table = run(home, "stats", "colours")
    assert bad_table.returncode == 2 and "accepted: sex-age" in bad_table.stderr


@pytest.mark.parametrize("args", [("release", "show", str(2**70)), ("programmes", "delete", "0"),
                                  ("link-show", str(2**63)), ("estimate", "--link-run", "-1")])
def test_ids_out_of_range_are_usage_errors(home: Path, args: tuple[str, ...]) -> None:
    result = run(home, *args)
    assert result.returncode == 2 and "Invalid value" in result.stderr
    assert "internal error" not in result.stderr


def test_readme_commands_exist(home: Path) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    commands = {line.split()[1] for line in re.findall(r"^tiphub [a-z]+[^\n]*", readme, re.M)}
    help_text = run(home, "--help").stdout
    for command in commands:
        assert command in help_text, command
    make = (Path(__file__).parents[1] / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"^make (\w+)", readme, re.M):
        assert re.search(rf"^{target}:", make, re.M), target


def test_cli_reference_is_current(tmp_path: Path) -> None:
    """docs/cli.md is generated; regenerate it with the command in its first test failure."""
    out = tmp_path / "cli.md"
    subprocess.run([str(Path(sys.executable).with_name("typer")), "tiphub.cli", "utils", "docs",
                    "--name", "tiphub", "--output", str(out)], check=True, capture_output=True)
    current = (Path(__file__).parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == current, (
        "run: typer tiphub.cli utils docs --name tiphub --output docs/cli.md")
