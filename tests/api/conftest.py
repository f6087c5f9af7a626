"""An app on a temporary hub with two organisations and a user in every role."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import ctdc_csv, ctdc_row, encoded_csv, planted_encodings

from tiphub import Hub, Settings
from tiphub.api import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
ROLES = {
    "viewer": ("viewer@police.test", "police", "viewer"),
    "analyst": ("analyst@police.test", "police", "analyst"),
    "steward": ("steward@police.test", "police", "data_steward"),
    "org_admin": ("admin@police.test", "police", "org_admin"),
    "other_steward": ("steward@shelter.test", "shelter", "data_steward"),
}


class World:
    def __init__(self, hub: Hub, client: TestClient, tokens: dict[str, str], submission: int,
                 upload: Path, run: int) -> None:
        self.hub, self.client, self.tokens = hub, client, tokens
        self.submission, self.upload, self.run = submission, upload, run
        self.release = self.draft = 0  # a published release and a draft, set by the fixture
        self.draft2 = 0  # a second draft, to delete

    def headers(self, who: str) -> dict[str, str]:
        return {} if who == "anonymous" else {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("api")
    hub = Hub(Settings(home=home, current_year=2025, rounding_base=1))
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
    hub.create_user("hub@admin.test", "Hub admin", PASSWORD, hub_admin=True)
    for email, org, role in ROLES.values():
        hub.create_user(email, email.split("@")[0], PASSWORD)
        hub.set_role(email, org, role)
    data = home / "cases.csv"
    data.write_text(ctdc_csv([ctdc_row() for _ in range(15)] + [ctdc_row(gender="Robot")]))
    submission = hub.import_file(data, org="police").submission_id
    tokens = {}
    for who, email in [*((k, v[0]) for k, v in ROLES.items()), ("hub_admin", "hub@admin.test")]:
        principal = hub.login(email, PASSWORD, ip="127.0.0.1")[0]
        tokens[who] = hub.create_api_token(principal, "tests", ["read", "import", "admin"])[1]
    # encoded submissions and a link run: 10 persons in police only, 10 in both, 10 in shelter
    encoded = planted_encodings(30, [[0]] * 10 + [[0, 1]] * 10 + [[1]] * 10)
    for party, code in enumerate(("police", "shelter")):
        path = home / f"{code}-encoded.csv"
        path.write_text(encoded_csv(encoded[party]))
        hub.import_file(path, org=code)
    run = hub.link(threshold=0.8).id
    # releases: a published one with a synthetic file (the size floor lowered for 15 records),
    # and a draft to publish
    import tiphub.release.synthetic as synthetic

    hub.set_privacy_budget(10)
    floor, synthetic.MIN_ROWS = synthetic.MIN_ROWS, 10
    try:
        published = hub.create_release(["sex-age"], 0.5, synthetic=True)["id"]
    finally:
        synthetic.MIN_ROWS = floor
    hub.publish_release(published)
    draft = hub.create_release(["sex-age"], 0.5)["id"]
    draft2 = hub.create_release(["sex-age"], 0.1)["id"]
    upload = home / "upload.csv"
    upload.write_text(ctdc_csv([ctdc_row(yearOfRegistration="2021") for _ in range(3)]))
    with TestClient(create_app(hub)) as client:
        world = World(hub, client, tokens, submission, upload, run)
        world.release, world.draft, world.draft2 = published, draft, draft2
        yield world
    hub.close()
