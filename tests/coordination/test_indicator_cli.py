"""``tiphub indicators``: import (every problem listed), list, export, country."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROGRAMMES = ("Code,Activity,Type,Country\n#activity+code,#activity+name,#activity+type,"
              "#country+code\nSH-01,Shelter,shelter,GBR\n")
LOGFRAME = ("Programme,Code,Indicator,Level,Baseline,Baseline date,Target,Target date,Measured,"
            "Value\n#activity+code,#indicator+code,#indicator+name,#indicator+type,"
            "#indicator+value+baseline,#date+baseline,#indicator+value+target,#date+target,"
            "#date+reported,#indicator+num\n"
            "SH-01,OUT-1,Victims sheltered,output,0,2020-01-01,100,2021-01-01,2020-12-01,120\n")


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tiphub", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=120)


def test_import_list_export_and_country(tmp_path: Path, write) -> None:
    home = tmp_path / "home"
    assert run(home, "org", "add", "shelter", "--name", "Shelter", "--type", "NGO").returncode == 0
    assert run(home, "programmes", "import", str(write("p.csv", PROGRAMMES)),
               "--org", "shelter").returncode == 0
    bad = run(home, "indicators", "import",
              str(write("bad.csv", LOGFRAME.replace(",0,2020-01-01", ",,2020-01-01"))),
              "--org", "shelter")
    assert bad.returncode == 65 and "no-baseline" in bad.stderr and "nothing was stored" in bad.stderr
    good = run(home, "indicators", "import", str(write("lf.csv", LOGFRAME)), "--org", "shelter")
    assert good.returncode == 0 and "indicators 1 added" in good.stdout
    listed = json.loads(run(home, "indicators", "list", "--country", "GBR", "--format",
                            "json").stdout)
    assert [(i["code"], i["progress"]["status"]) for i in listed] == [("OUT-1", "achieved")]
    csv_out = run(home, "indicators", "list", "--format", "csv").stdout.splitlines()
    assert "status" in csv_out[0].split(",") and "achieved" in csv_out[1]
    exported = run(home, "indicators", "export", "-o", str(tmp_path / "out.csv"))
    assert exported.returncode == 0
    assert (tmp_path / "out.csv").read_text().splitlines()[1].startswith("#org+impl,#activity+code")
    assert run(home, "indicators", "export", "-o", str(tmp_path / "out.xlsx")).returncode == 2
    country = run(home, "indicators", "country", "GBR")
    assert country.returncode == 0 and "no figures for GBR" in country.stdout
    assert run(home, "indicators", "country", "Atlantis").returncode != 0
