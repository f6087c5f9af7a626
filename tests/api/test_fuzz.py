"""Generated requests (schemathesis) against the OpenAPI document of the in-process app.

Every operation of ``/api/v1/openapi.json`` gets a few dozen generated requests, valid and
invalid, sent once with a hub administrator's token and once with a data steward's. An answer
must not be a server error and must match the document where schemathesis can tell (status
code, content type, headers, body schema). The quick run is derandomized, so it is the same on
every run; ``-m slow`` runs many more, freshly random examples.

Problems the fuzzer found in tiphub are listed in ``KNOWN``: the fuzz tests step around exactly
those, and one strict-xfail test per problem reproduces it with a single request — when a fix
lands that test passes, fails as XPASS, and its entry here should go.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from factories import ctdc_csv, ctdc_row
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tiphub import Hub, Settings
from tiphub.api import create_app
from tiphub.stats import TABLES
from tiphub.vocab import geo

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
SCOPES = ["read", "import", "admin"]
PEOPLE = {  # who fuzzes -> (e-mail, hub administrator?, role in "police")
    "hub_admin": ("admin@hub.test", True, None),
    "steward": ("steward@police.test", False, "data_steward"),
}
QUICK, LONG = 20, 300  # examples per operation and person

# Half of the generated values of these parameters are real ones, so requests get past
# "not found" into the code behind it. Role changes go to the spare accounts only, so the
# fuzzing accounts keep their roles.
SPARE = [f"spare.{email}" for email, _, _ in PEOPLE.values()]
REAL_VALUES = {
    "org": ["police", "shelter"],
    "table": list(TABLES),
    "place": ["global", "POL", "UKR"],
    "country": ["POL", "UKR", "GBR"],
    "region": geo.regions(),
    "by": ["organisation", "data_source"],
    "year": [2020, 2021],
    "id": [1, 2],
    "email": SPARE,
    "role": ["org_admin", "data_steward", "analyst", "viewer"],
    "scope": SCOPES,
    "file": [ctdc_csv([ctdc_row(), ctdc_row(gender="Robot")]), ctdc_csv([ctdc_row(ageBroad="x")])],
}
BINDINGS = {
    "path.org": "org", "query.org": "org", "body.org": "org", "path.table": "table",
    "path.place": "place", "query.country": "country", "query.region": "region",
    "query.by": "by", "query.year": "year", "path.submission_id": "id", "body.replaces": "id",
    "path.email": "email", "body.role": "role", "body.scopes[*]": "scope", "body.file": "file",
}
CONFIG = SchemathesisConfig.from_dict({
    "dictionaries": {name: {"values": values} for name, values in REAL_VALUES.items()},
    "parameters": {key: {"dictionary": name, "probability": 0.5} for key, name in BINDINGS.items()},
})


class _Unbound:
    """Stands in for the hub until the ``fuzz`` fixture binds one: serving the OpenAPI
    document (read at import, to make one test per operation) never touches the hub."""


APP = create_app(_Unbound())  # type: ignore[arg-type]
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP, config=CONFIG)


# -- what the fuzzer found ---------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """A problem in tiphub the fuzzer found: how to recognise it, and one request showing it."""

    reason: str
    reproduce: Callable[[TestClient, dict[str, str]], None]
    failure: Callable[[Any], bool] = lambda failure: False  # a check failure it explains
    case: Callable[[schemathesis.Case], bool] = lambda case: False  # a request that hits it


def _no_server_error(client: TestClient, headers: dict[str, str]) -> None:
    big = 2**63
    for url in (f"/api/v1/submissions/{big}", f"/api/v1/submissions/{big}/report",
                f"/api/v1/submissions/{big}/quarantine", f"/api/v1/submissions/{-big - 1}"):
        assert client.get(url, headers=headers).status_code < 500, url
    csv = ctdc_csv([ctdc_row()]).encode()
    r = client.post("/api/v1/imports", headers=headers, files={"file": ("a.csv", csv)},
                    data={"org": "police", "replaces": str(big)})
    assert r.status_code < 500, "POST /api/v1/imports replaces=2**63"


def test_405_allow_lists_every_method_of_the_path(fuzz: Fuzz) -> None:
    """Found by the fuzzer: Starlette named only the first route's methods (`Allow: GET`)."""
    with TestClient(APP, raise_server_exceptions=False) as client:
        r = client.request("OPTIONS", "/api/v1/organisations", headers=fuzz.headers("steward"))
    allowed = {m.strip() for m in r.headers.get("allow", "").split(",")}
    assert r.status_code == 405 and allowed == {"GET", "POST"}, r.headers.get("allow")


KNOWN: dict[str, Known] = {}  # none open: the 405 Allow header (fixed) was the last


@schema.hook
def filter_case(context: Any, case: schemathesis.Case) -> bool:
    return not any(known.case(case) for known in KNOWN.values())


@schema.hook
def filter_failure(context: Any, failure: Any, case: schemathesis.Case, response: Any) -> bool:
    return not any(known.failure(failure) for known in KNOWN.values())


# -- the hub the requests go to ----------------------------------------------------------------


class Fuzz:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.principals: dict[str, Any] = {}
        self.tokens: dict[str, str] = {}

    def headers(self, who: str, case: schemathesis.Case | None = None) -> dict[str, str]:
        token = self.tokens[who]
        if case is not None and case.method == "DELETE" and case.path.endswith("/tokens/{token_id}"):
            # Revoking may hit the token the next requests use: these requests come from a
            # second account of the same kind, with a new token each.
            token = self.hub.create_api_token(self.principals[f"{who}-spare"], "fuzz", SCOPES)[1]
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzz]:
    home = tmp_path_factory.mktemp("fuzz")
    hub = Hub(Settings(home=home, current_year=2025, rounding_base=1))
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
    world = Fuzz(hub)
    for who, (email, admin, role) in PEOPLE.items():
        for suffix, address in (("", email), ("-spare", f"spare.{email}")):
            hub.create_user(address, who, PASSWORD, hub_admin=admin)
            if role:
                hub.set_role(address, "police", role)
            world.principals[who + suffix] = hub.login(address, PASSWORD, ip="127.0.0.1")[0]
        world.tokens[who] = hub.create_api_token(world.principals[who], "fuzz", SCOPES)[1]
    data = home / "cases.csv"
    data.write_text(ctdc_csv([ctdc_row() for _ in range(15)] + [ctdc_row(gender="Robot")]))
    hub.import_file(data, org="police")
    APP.state.hub = hub
    yield world
    APP.state.hub = _Unbound()
    # the run stays meaningful only if the fuzzing accounts kept their tokens and roles
    police = hub.organisation("police").id
    for who, (_email, admin, role) in PEOPLE.items():
        me = hub.token_principal(world.tokens[who])  # raises if the token was revoked
        assert (me.hub_admin, me.role_in(police)) == (admin, role), f"{who} changed: {me}"
    hub.close()


def _send(fuzz: Fuzz, who: str, case: schemathesis.Case) -> None:
    # The document cannot say which names exist (tables, countries, scopes, organisations),
    # so a request it allows may rightly be refused: no "schema-valid request rejected" check.
    case.call_and_validate(headers=fuzz.headers(who, case), excluded_checks=[positive_data_acceptance])


QUIET = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture,
         HealthCheck.data_too_large]


@pytest.mark.parametrize("who", list(PEOPLE))
@schema.parametrize()
@settings(max_examples=QUICK, deadline=None, derandomize=True, suppress_health_check=QUIET)
def test_generated_requests(fuzz: Fuzz, who: str, case: schemathesis.Case) -> None:
    _send(fuzz, who, case)


@pytest.mark.slow
@pytest.mark.parametrize("who", list(PEOPLE))
@schema.parametrize()
@settings(max_examples=LONG, deadline=None, suppress_health_check=QUIET)
def test_generated_requests_long(fuzz: Fuzz, who: str, case: schemathesis.Case) -> None:
    _send(fuzz, who, case)


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=known.reason))
    for name, known in KNOWN.items()])
def test_known_problem(fuzz: Fuzz, name: str) -> None:
    with TestClient(APP, raise_server_exceptions=False) as client:
        KNOWN[name].reproduce(client, fuzz.headers("steward"))


def test_ids_beyond_the_database_range_are_refused_cleanly(fuzz: Fuzz) -> None:
    """Found by the fuzzer (a 500 from an OverflowError); now a 422 before the database."""
    with TestClient(APP, raise_server_exceptions=False) as client:
        _no_server_error(client, fuzz.headers("steward"))

