"""Deleting a draft release: Hub, CLI and API. Only drafts; a published release is immutable;
the draft's spend is not refunded (its noisy answers were computed and seen)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from factories import ctdc_csv, ctdc_row
from typer.testing import CliRunner

from tiphub import Hub, Settings
from tiphub.accounts.principal import Principal
from tiphub.errors import Conflict, Forbidden, NotFound


def _import(hub: Hub, tmp_path: Path, n: int = 40) -> None:
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    path = tmp_path / "cases.csv"
    path.write_text(ctdc_csv([ctdc_row(gender=("Woman", "Man")[i % 2]) for i in range(n)]))
    hub.import_file(path, org="police")


def test_a_draft_is_deleted_and_its_spend_stays(hub: Hub, tmp_path: Path) -> None:
    _import(hub, tmp_path)
    hub.set_privacy_budget(3)
    draft = hub.create_release(["sex-age", "flows"], 1.0)
    before = hub.privacy_budget()
    done = hub.delete_release(draft["id"])
    assert done == {"id": draft["id"], "status": "deleted", "epsilon": 1.0, "delta": 1e-6,
                    "refunded": False}
    assert hub.releases() == []
    with pytest.raises(NotFound):
        hub.release(draft["id"])
    with pytest.raises(NotFound):
        hub.release_tables_csv(draft["id"])
    with pytest.raises(NotFound):  # deleting twice: it is gone
        hub.delete_release(draft["id"])
    with pytest.raises(NotFound):  # and it can never be published
        hub.publish_release(draft["id"])
    after = hub.privacy_budget()
    assert after == before and after["spent_epsilon"] == pytest.approx(1.0, abs=1e-6)
    deletions = [json.loads(e["detail"]) for e in hub.audit_log()[1]
                 if (e["action"], e["outcome"]) == ("release:delete", "ok")]
    assert deletions == [{"epsilon": 1.0, "rho": draft["rho"], "refunded": False}]
    # the tables and the report are erased from the database; the ledger keeps the spend
    from sqlalchemy import select

    from tiphub.store import schema as t

    with hub.db.connect() as conn:
        row = conn.execute(select(t.releases).where(t.releases.c.id == draft["id"])).one()
        spends = conn.execute(select(t.privacy_ledger.c.release_id)
                              .where(t.privacy_ledger.c.entry == "spend")).scalars().all()
    assert row.status == "deleted" and row.tables == "[]" and row.report_internal == "{}"
    assert spends == [draft["id"]]


def test_a_published_release_cannot_be_deleted(hub: Hub, tmp_path: Path) -> None:
    _import(hub, tmp_path)
    hub.set_privacy_budget(3)
    release = hub.create_release(["sex-age"], 0.5)
    hub.publish_release(release["id"])
    with pytest.raises(Conflict, match="never changed or deleted"):
        hub.delete_release(release["id"])
    assert hub.release(release["id"])["status"] == "published"
    with pytest.raises(NotFound):
        hub.delete_release(release["id"] + 100)
    viewer = Principal(user_id=9, email="v@x.test", name="v")
    with pytest.raises(Forbidden):
        hub.delete_release(release["id"], principal=viewer)


def test_the_delete_command(settings: Settings, tmp_path: Path) -> None:
    from tiphub.cli import app

    with Hub(settings) as hub:
        _import(hub, tmp_path)
        hub.set_privacy_budget(3)
        draft = hub.create_release(["sex-age"], 0.5)["id"]
        public = hub.create_release(["sex-age"], 0.5)["id"]
        hub.publish_release(public)
    runner = CliRunner()
    home = ["--home", str(settings.home)]
    result = runner.invoke(app, [*home, "release", "delete", str(draft)])
    assert result.exit_code == 0, result.output
    assert f"draft release {draft} deleted" in result.output and "stays spent" in result.output
    result = runner.invoke(app, [*home, "release", "delete", str(public)])
    assert result.exit_code != 0 and isinstance(result.exception, Conflict)
    result = runner.invoke(app, [*home, "release", "list", "--format", "json"])
    assert '"deleted"' not in result.output and f'"id": {public}' in result.output


def test_the_delete_route(hub: Hub, tmp_path: Path) -> None:
    from tiphub.api import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    _import(hub, tmp_path)
    hub.create_user("hub@admin.test", "Hub", "correct horse battery staple", hub_admin=True)
    principal = hub.login("hub@admin.test", "correct horse battery staple", ip="127.0.0.1")[0]
    token = hub.create_api_token(principal, "tests", ["read", "admin"])[1]
    hub.set_privacy_budget(3)
    draft = hub.create_release(["sex-age"], 0.5)["id"]
    public = hub.create_release(["sex-age"], 0.5)["id"]
    hub.publish_release(public)
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(hub)) as client:
        assert client.delete(f"/api/v1/releases/{draft}").status_code == 401
        answer = client.delete(f"/api/v1/releases/{draft}", headers=auth)
        assert answer.status_code == 204
        assert client.delete(f"/api/v1/releases/{draft}", headers=auth).status_code == 404
        refused = client.delete(f"/api/v1/releases/{public}", headers=auth)
        assert refused.status_code == 409 and "never changed" in refused.text
        assert client.get(f"/api/v1/releases/{draft}", headers=auth).status_code == 404
