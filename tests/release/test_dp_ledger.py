"""The stored privacy-budget ledger and releases through the Hub and the CLI: spending,
refusals, persistence across restarts, publishing once, immutability and bad input."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from factories import ctdc_csv, ctdc_row
from typer.testing import CliRunner

from tiphub import Hub, Settings
from tiphub.accounts.principal import Principal
from tiphub.errors import Conflict, Forbidden, InvalidInput, NotFound
from tiphub.release.cases import frame_from_cases

COUNTRIES = ["UKR", "POL", "GBR", "ROU", "NGA", "VNM"]
AGES = ["0--8", "9--17", "18--20", "21--23", "30--38", ""]


def _cases(n: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return ctdc_csv([ctdc_row(yearOfRegistration=str(rng.choice(range(2015, 2023))),
                              gender=rng.choice(["Woman", "Man"]), ageBroad=rng.choice(AGES),
                              citizenship=rng.choice(COUNTRIES),
                              CountryOfExploitation=rng.choice(COUNTRIES),
                              isSexualExploit=rng.choice(["1", ""]),
                              isForcedLabour=rng.choice(["1", ""]))
                     for _ in range(n)])


def _import(hub: Hub, tmp_path: Path, n: int) -> None:
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    path = tmp_path / "cases.csv"
    path.write_text(_cases(n))
    hub.import_file(path, org="police")


def test_a_release_spends_from_a_ledger_that_survives_a_restart(settings: Settings,
                                                              tmp_path: Path) -> None:
    with Hub(settings) as hub:
        _import(hub, tmp_path, 200)
        with pytest.raises(Conflict, match="no privacy budget"):
            hub.create_release(["sex-age"], 1.0)
        hub.set_privacy_budget(2, 1e-6)
        first = hub.create_release(["sex-age", "flows"], 1.0, seed=1)
        assert first["status"] == "draft" and first["parameters"]["records"] == 200
        assert {t["name"] for t in first["tables"]} == {"sex-age", "flows"}
        budget = hub.privacy_budget()
        assert budget["spent_epsilon"] == pytest.approx(1.0, abs=1e-6)
        assert 1.0 < budget["remaining_epsilon"] < 2.0  # zCDP: ε does not simply subtract
    with Hub(settings) as hub:  # a new Hub on the same home: the ledger is the database
        assert hub.privacy_budget()["releases"] == 1
        hub.create_release(["sex-age"], budget["remaining_epsilon"] * 0.99, seed=2)
        before = hub.privacy_budget()
        with pytest.raises(Conflict, match="remains") as refused:
            hub.create_release(["sex-age"], 0.5, seed=3)
        assert "spent so far" in str(refused.value)
        assert hub.privacy_budget() == before  # nothing half-stored
        assert len(hub.releases()) == 2
        actions = [(e["action"], e["outcome"]) for e in hub.audit_log()[1]]
        assert ("release:create", "refused") in actions
        assert actions.count(("release:create", "ok")) == 2
        assert ("privacy_budget:set", "ok") in actions
        with pytest.raises(Conflict, match="overdrawn"):  # a spent budget is not taken back
            hub.set_privacy_budget(1)
        assert hub.set_privacy_budget(5)["remaining_epsilon"] > 2  # raising it is allowed


def test_publishing_is_once_and_a_published_release_never_changes(hub: Hub, tmp_path: Path) -> None:
    _import(hub, tmp_path, 50)
    hub.set_privacy_budget(3)
    seeded = hub.create_release(["sex-age"], 0.5, seed=4)
    with pytest.raises(Conflict, match="seed"):
        hub.publish_release(seeded["id"])
    release = hub.create_release(["sex-age", "trends"], 0.5)
    published = hub.publish_release(release["id"])
    assert published["status"] == "published" and published["published_at"] is not None
    with pytest.raises(Conflict, match="already published"):
        hub.publish_release(release["id"])
    again = hub.release(release["id"])
    assert again["tables"] == release["tables"] and again["published_at"] == published["published_at"]
    rows = list(csv.DictReader(io.StringIO(hub.release_tables_csv(release["id"]))))
    assert {r["table"] for r in rows} == {"sex-age", "trends"}
    assert all(int(r["count"]) >= 0 for r in rows)
    with pytest.raises(NotFound, match="no synthetic"):
        hub.release_synthetic_csv(release["id"])


def test_what_others_see(hub: Hub, tmp_path: Path) -> None:
    from tiphub.accounts.principal import ANONYMOUS

    _import(hub, tmp_path, 50)
    hub.set_privacy_budget(3)
    draft = hub.create_release(["sex-age"], 0.5)
    public = hub.create_release(["sex-age"], 0.5)
    hub.publish_release(public["id"])
    assert [r["id"] for r in hub.releases(principal=ANONYMOUS)] == [public["id"]]
    shown = hub.release(public["id"], principal=ANONYMOUS)
    assert "report_internal" not in shown and "created_by" not in shown
    assert set(shown["parameters"]) == {"tables", "synthetic", "rows", "synthesiser"}  # no seed, n
    with pytest.raises(NotFound):
        hub.release(draft["id"], principal=ANONYMOUS)
    viewer = Principal(user_id=9, email="v@x.test", name="v")
    for call in (lambda: hub.privacy_budget(principal=viewer),
                 lambda: hub.create_release(["sex-age"], 0.1, principal=viewer),
                 lambda: hub.publish_release(draft["id"], principal=viewer)):
        with pytest.raises(Forbidden):
            call()


@pytest.mark.parametrize("kwargs,match", [
    ({"tables": ["sex-age"], "epsilon": 0}, "above 0"),
    ({"tables": ["sex-age"], "epsilon": -1}, "above 0"),
    ({"tables": ["sex-age"], "epsilon": 11}, "too large"),
    ({"tables": ["sex-age", "salaries"], "epsilon": 1}, "outside the public workload"),
    ({"tables": ["sex-age"], "epsilon": 1, "rows": 10}, "synthetic"),
    ({"tables": ["sex-age"], "epsilon": 1, "seed": -1}, "seed"),
    ({"tables": None, "epsilon": 1, "synthetic": True}, "too few"),
])
def test_bad_input_stores_nothing(hub: Hub, tmp_path: Path, kwargs: dict, match: str) -> None:
    _import(hub, tmp_path, 50)
    hub.set_privacy_budget(3)
    with pytest.raises(InvalidInput, match=match):
        hub.create_release(**kwargs)
    assert hub.releases() == [] and hub.privacy_budget()["releases"] == 0


def test_bad_budgets_are_refused(hub: Hub) -> None:
    for epsilon, delta in ((0, 1e-6), (20, 1e-6), (1, 0.5)):
        with pytest.raises(InvalidInput):
            hub.set_privacy_budget(epsilon, delta)


def test_a_synthetic_release_in_the_ctdc_format(hub: Hub, tmp_path: Path) -> None:
    _import(hub, tmp_path, 1200)
    hub.set_privacy_budget(3)
    release = hub.create_release(None, 1.0, synthetic=True, rows=500, seed=5)
    assert release["parameters"]["tables"] == [] and release["has_synthetic"]
    assert release["report_internal"]["tvd"] and "tvd_2way_mean" in release["report_public"]
    text = hub.release_synthetic_csv(release["id"])
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 501 and len(rows[0]) == 27 and rows[0][0] == "yearOfRegistration"


def test_the_case_record_adapter_maps_what_the_ctdc_profile_imported() -> None:
    from tiphub.vocab.codes import ANALYTIC

    forms = ANALYTIC.flag_group("forms")
    frame = frame_from_cases([
        (2020, "female", "18-20", "UKR", "POL", "13-24", 0,
         forms.bit("sexual_exploitation"), 0, 0, 0),
        (1990, "unknown", None, "XXX", None, None, None, None, None, None, None),
    ])
    assert frame.codes(["yearOfRegistration", "gender", "ageBroad", "citizenship",
                        "CountryOfExploitation", "traffickMonths", "isSexualExploit",
                        "isForcedLabour"]) == {
        "yearOfRegistration": "2020", "gender": "Woman", "ageBroad": "18--20",
        "citizenship": "UKR", "CountryOfExploitation": "POL",
        "traffickMonths": "13--24 (1-2 yrs)", "isSexualExploit": "1", "isForcedLabour": ""}
    assert set(frame.codes(list(frame.names), row=1).values()) == {""}  # blank: not recorded


def test_the_release_commands(settings: Settings, tmp_path: Path) -> None:
    from tiphub.cli import app

    with Hub(settings) as hub:
        _import(hub, tmp_path, 60)
    runner = CliRunner()
    home = ["--home", str(settings.home)]
    result = runner.invoke(app, [*home, "release", "budget", "--epsilon", "3", "--delta", "1e-6"])
    assert result.exit_code == 0 and "remaining epsilon 3" in result.output
    result = runner.invoke(app, [*home, "release", "create", "--tables", "sex-age,flows",
                                 "--epsilon", "1"])
    assert result.exit_code == 0 and "draft release 1" in result.output, result.output
    result = runner.invoke(app, [*home, "release", "create", "--tables", "salaries"])
    assert result.exit_code != 0
    assert runner.invoke(app, [*home, "release", "publish", "1"]).exit_code == 0
    tables = tmp_path / "tables.csv"
    result = runner.invoke(app, [*home, "release", "show", "1", "--tables-csv", str(tables)])
    assert result.exit_code == 0 and tables.read_text().startswith("table,dimension_1")
    result = runner.invoke(app, [*home, "release", "list", "--format", "json"])
    assert '"published"' in result.output
    result = runner.invoke(app, [*home, "release", "publish", "1"])
    assert result.exit_code != 0 and isinstance(result.exception, Conflict)
