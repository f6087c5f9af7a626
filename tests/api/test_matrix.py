"""Every route against every role, including the negative cases."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import World

WHO = ["anonymous", "viewer", "analyst", "steward", "org_admin", "other_steward", "hub_admin"]
SIGNED_IN = WHO[1:]
POLICE_MEMBERS = ["viewer", "analyst", "steward", "org_admin"]
_counter = itertools.count()

# (method, path, payload kind, who may) — everyone else gets 403, anonymous 401
ROUTES = [
    ("GET", "/auth/me", None, SIGNED_IN),
    ("GET", "/organisations", None, SIGNED_IN),
    ("POST", "/organisations", "org", ["hub_admin"]),
    ("PUT", "/organisations/police/members/viewer@police.test", "role", ["org_admin", "hub_admin"]),
    ("GET", "/submissions?org=police", None, [*POLICE_MEMBERS, "hub_admin"]),
    ("GET", "/submissions/{sub}", None, [*POLICE_MEMBERS, "hub_admin"]),
    ("GET", "/submissions/{sub}/report", None, [*POLICE_MEMBERS, "hub_admin"]),
    ("GET", "/submissions/{sub}/quarantine", None, ["steward", "org_admin"]),
    ("POST", "/imports", "upload", ["steward", "org_admin"]),
    ("GET", "/records?org=police", None, ["analyst", "steward", "org_admin"]),
    ("GET", "/stats/sex-age", None, SIGNED_IN),
    ("GET", "/stats/forms?format=csv", None, SIGNED_IN),
    ("GET", "/reports/global", None, SIGNED_IN),
    ("GET", "/users", None, ["hub_admin"]),
    ("POST", "/users", "user", ["hub_admin"]),
    ("POST", "/users/viewer@police.test/reset-link", None, ["hub_admin"]),
    ("GET", "/audit", None, ["hub_admin"]),
    ("GET", "/audit.csv", None, ["hub_admin"]),
    ("GET", "/link-runs", None, SIGNED_IN),
    ("GET", "/link-runs/latest", None, SIGNED_IN),
    ("GET", "/link-runs/{run}", None, SIGNED_IN),
    ("GET", "/link-runs/{run}/summary", None, SIGNED_IN),
    ("GET", "/link-runs/{run}/summary?exact=true", None, ["hub_admin"]),
    ("GET", "/link-runs/{run}/overlap.csv", None, ["hub_admin"]),
    ("POST", "/link-runs", "link", ["hub_admin"]),
    ("GET", "/organisations/police/persons", None, ["analyst", "steward", "org_admin"]),
    ("POST", "/link-runs/{run}/estimate", "estimate", ["hub_admin"]),
    ("GET", "/link-runs/{run}/estimate", None, SIGNED_IN),
    ("POST", "/estimates", "table", SIGNED_IN),
    ("GET", "/tokens", None, SIGNED_IN),
    ("POST", "/tokens", "token", SIGNED_IN),
    ("GET", "/directory", None, WHO),
    ("GET", "/directory?kind=national_rapporteur&country=GBR", None, WHO),
    ("PUT", "/directory/police", "entry", ["org_admin", "hub_admin"]),
    ("PUT", "/directory/rapporteur-gbr", "mechanism", ["hub_admin"]),
    ("GET", "/programmes", None, SIGNED_IN),
    ("GET", "/programmes?country=GBR&pillar=protection", None, SIGNED_IN),
    ("GET", "/programmes.csv", None, SIGNED_IN),
    ("GET", "/programmes.xlsx", None, SIGNED_IN),
    ("POST", "/programmes/imports", "5w", ["steward", "org_admin", "hub_admin"]),
    ("GET", "/releases", None, WHO),
    ("GET", "/releases/{rel}", None, WHO),
    ("GET", "/releases/{rel}/tables.csv", None, WHO),
    ("GET", "/releases/{rel}/synthetic.csv", None, WHO),
    ("POST", "/releases", "release", ["hub_admin"]),
    ("POST", "/releases/{draft}/publish", None, ["hub_admin"]),
    ("GET", "/privacy-budget", None, ["hub_admin"]),
    ("DELETE", "/releases/{draft2}", None, ["hub_admin"]),
    ("GET", "/programmes?year=2024&intervention=legal_aid", None, SIGNED_IN),
    ("GET", "/programmes.csv?year=2024&intervention=helpline", None, SIGNED_IN),
    ("GET", "/programmes/{fresh}", "fresh-5w", SIGNED_IN),
    ("DELETE", "/programmes/{fresh}", "fresh-5w", ["steward", "org_admin", "hub_admin"]),
    ("GET", "/coverage", None, SIGNED_IN),
    ("GET", "/coverage?country=GBR&year=2024&pillar=protection", None, SIGNED_IN),
    ("GET", "/coverage.csv", None, SIGNED_IN),
    ("GET", "/instruments", None, WHO),
    ("GET", "/instruments?country=GBR", None, WHO),
    ("GET", "/instruments.csv", None, WHO),
    ("POST", "/instruments/imports", "treaty", ["hub_admin"]),
    ("GET", "/reports/national/GBR?year=2020", None, SIGNED_IN),
    ("GET", "/reports/glotip/POL.csv", None, SIGNED_IN),
    ("GET", "/indicators", None, SIGNED_IN),
    ("GET", "/indicators?country=GBR&org=police", None, SIGNED_IN),
    ("GET", "/indicators.csv", None, SIGNED_IN),
    ("POST", "/indicators/imports", "logframe", ["steward", "org_admin", "hub_admin"]),
    ("GET", "/countries/GBR/indicators", None, SIGNED_IN),
    ("GET", "/countries/POL/indicators?year=2020", None, SIGNED_IN),
]
SUCCESS = {"GET": 200, "POST": 201, "PUT": 204, "DELETE": 204}
SUCCESS_OF = {"/estimates": 200, "/link-runs/{run}/estimate": 200,  # computed, nothing created
              "/directory/police": 200, "/directory/rapporteur-gbr": 200,  # the entry as stored
              "/releases/{draft}/publish": 200}  # the release, now published


def call(world: World, method: str, path: str, kind: str | None, who: str):
    if kind == "fresh-5w":  # a new police programme per call (a deleted one is gone)
        n = next(_counter)
        src = Path(world.hub.settings.home) / f"fresh-{n}.csv"
        src.write_text("Code,Activity,Type,Country\n#activity+code,#activity+name,#activity+type,"
                       f"#country+code\nFRESH-{n},Fresh,helpline,GBR\n")
        world.hub.import_programmes(src, org="police")
        pid = next(p.id for p in world.hub.programmes(org="police") if p.code == f"FRESH-{n}")
        return world.client.request(method, "/api/v1" + path.replace("{fresh}", str(pid)),
                                    headers=world.headers(who))
    url = "/api/v1" + path.format(sub=world.submission, run=world.run,
                                  rel=world.release, draft=world.draft, draft2=world.draft2)
    headers = world.headers(who)
    n = next(_counter)
    if kind == "table":
        return world.client.post(url, headers=headers, data={"bootstrap": "20"},
                                 files={"file": ("overlap.csv", b"A,B,count\n1,0,40\n0,1,30\n1,1,10\n")})
    if kind == "upload":
        return world.client.post(url, headers=headers, data={"org": "police"},
                                 files={"file": ("upload.csv", world.upload.read_bytes())})
    if kind == "logframe":  # a programme of the police's to hang the indicator on (idempotent)
        programme = world.upload.parent / "matrix-5w.csv"
        programme.write_text("Code,Activity,Type,Country\n#activity+code,#activity+name,"
                             "#activity+type,#country+code\nLF-1,Investigations,investigation,GBR\n")
        world.hub.import_programmes(programme, org="police")
        return world.client.post(url, headers=headers, data={"org": "police"}, files={"file": (
            "logframe.csv", b"Programme,Code,Indicator,Level,Baseline,Baseline date,Target,Target date\n"
                            b"#activity+code,#indicator+code,#indicator+name,#indicator+type,"
                            b"#indicator+value+baseline,#date+baseline,#indicator+value+target,#date+target\n"
                            b"LF-1,OC-1,Cases brought to court,outcome,10,2024-01-01,50,2026-01-01\n")})
    if kind == "treaty":
        return world.client.post(url, headers=headers, files={"file": (
            "p029.csv", b"country,instrument,consent_date,consent_type\nNER,P029,2015-06-14,ratification\n")})
    if kind == "5w":
        return world.client.post(url, headers=headers, data={"org": "police"}, files={"file": (
            "5w.csv", b"Activity,Type,Country\n#activity+name,#activity+type,#country+code\n"
                      b"Training,training_law_enforcement,GBR\n")})
    body = {"org": {"code": f"org-{n}", "name": "New"}, "role": {"role": "viewer"},
            "entry": {"mandate": "Investigates trafficking."},
            "mechanism": {"name": "National Rapporteur", "kind": "national_rapporteur",
                          "country": "GBR", "member": False},
            "user": {"email": f"user{n}@x.test", "name": "U"},
            "token": {"name": "t", "scopes": ["read"]}, "link": {"threshold": 0.8},
            "estimate": {"bootstrap": 20},
            "release": {"tables": ["sex-age"], "epsilon": 0.1}}.get(kind or "")
    return world.client.request(method, url, headers=headers, json=body)


@pytest.mark.parametrize("method,path,kind,allowed", ROUTES, ids=[f"{m} {p}" for m, p, *_ in ROUTES])
@pytest.mark.parametrize("who", WHO)
def test_route_by_role(world: World, method: str, path: str, kind: str | None,
                       allowed: list[str], who: str) -> None:
    response = call(world, method, path, kind, who)
    success = SUCCESS_OF.get(path, SUCCESS[method])
    expected = success if who in allowed else (401 if who == "anonymous" else 403)
    assert response.status_code == expected, response.text
    if response.status_code >= 400:
        assert set(response.json()) == {"error"} and response.json()["error"]["type"]


def test_health_needs_nobody(world: World) -> None:
    assert world.client.get("/api/v1/health").json()["status"] == "ok"


def test_another_organisations_submission_id_is_refused(world: World) -> None:
    r = world.client.get(f"/api/v1/submissions/{world.submission}/quarantine",
                         headers=world.headers("other_steward"))
    assert r.status_code == 403 and "Robot" not in r.text


def test_expired_revoked_and_malformed_tokens(world: World) -> None:
    from datetime import UTC, datetime, timedelta

    from tiphub.store import accounts as store

    principal = world.hub.token_principal(world.tokens["viewer"])
    token_id, token = world.hub.create_api_token(principal, "short", ["read"], days=1)
    with world.hub.db.begin() as conn:
        store.update_token(conn, token_id, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    for header in (f"Bearer {token}", "Bearer tph_nonsense", "Basic abc"):
        r = world.client.get("/api/v1/auth/me", headers={"Authorization": header})
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_read_only_token_cannot_import(world: World) -> None:
    principal = world.hub.token_principal(world.tokens["steward"])
    _, read_only = world.hub.create_api_token(principal, "ro", ["read"])
    r = world.client.post("/api/v1/imports", headers={"Authorization": f"Bearer {read_only}"},
                          data={"org": "police"}, files={"file": ("a.csv", world.upload.read_bytes())})
    assert r.status_code == 403
