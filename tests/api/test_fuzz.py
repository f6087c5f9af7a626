"""Generated requests (schemathesis) against the OpenAPI document of the in-process app.

Every operation of ``/api/v1/openapi.json`` gets a few dozen generated requests — valid and
invalid — sent once with a hub administrator's token and once with a data steward's. Each
answer must not be a server error, and must match the document where schemathesis can tell
(status code, content type, response body schema). ``-m slow`` runs many more examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from factories import ctdc_csv, ctdc_row
from hypothesis import HealthCheck, settings

from tiphub import Hub, Settings
from tiphub.api import create_app

PASSWORD = "correct horse battery staple"
PEOPLE = {  # who fuzzes -> (e-mail, hub administrator?, role in "police")
    "hub_admin": ("admin@hub.test", True, None),
    "steward": ("steward@police.test", False, "data_steward"),
}
QUICK, LONG = 25, 400


class _Unbound:
    """Stands in for the hub until the fixture binds one: loading the OpenAPI document
    (at import, to make one test per operation) never touches the hub."""


APP = create_app(_Unbound())  # type: ignore[arg-type]
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


class Fuzz:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.principals: dict[str, Any] = {}
        self.tokens: dict[str, str] = {}

    def headers(self, who: str, case: schemathesis.Case) -> dict[str, str]:
        if case.method == "DELETE" and case.path == "/api/v1/tokens/{token_id}":
            # revoking a token must not revoke the one the next cases use: a throw-away
            # user's fresh token for every such case
            token = self.hub.create_api_token(self.principals[f"{who}-tokens"], "fuzz",
                                              ["read", "import", "admin"])[1]
        else:
            token = self.tokens[who]
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    home = tmp_path_factory.mktemp("fuzz")
    hub = Hub(Settings(home=home, current_year=2025, rounding_base=1))
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
    world = Fuzz(hub)
    for who, (email, admin, role) in PEOPLE.items():
        for suffix, address in (("", email), ("-tokens", f"tokens.{email}")):
            hub.create_user(address, who, PASSWORD, hub_admin=admin)
            if role:
                hub.set_role(address, "police", role)
            world.principals[who + suffix] = hub.login(address, PASSWORD, ip="127.0.0.1")[0]
        world.tokens[who] = hub.create_api_token(world.principals[who], "fuzz",
                                                 ["read", "import", "admin"])[1]
    data = home / "cases.csv"
    data.write_text(ctdc_csv([ctdc_row() for _ in range(15)] + [ctdc_row(gender="Robot")]))
    hub.import_file(data, org="police")
    APP.state.hub = hub
    yield world
    APP.state.hub = _Unbound()
    hub.close()


def _check(fuzz: Fuzz, who: str, case: schemathesis.Case) -> None:
    case.call_and_validate(headers=fuzz.headers(who, case))


@pytest.mark.parametrize("who", list(PEOPLE))
@schema.parametrize()
@settings(max_examples=QUICK, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests(fuzz: Fuzz, who: str, case: schemathesis.Case) -> None:
    _check(fuzz, who, case)


@pytest.mark.slow
@pytest.mark.parametrize("who", list(PEOPLE))
@schema.parametrize()
@settings(max_examples=LONG, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_long(fuzz: Fuzz, who: str, case: schemathesis.Case) -> None:
    _check(fuzz, who, case)
