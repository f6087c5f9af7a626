"""Authorization, decided here and nowhere else.

Every Hub method that a shell may call names its action; :func:`authorize` says yes or raises
:class:`~tiphub.errors.Forbidden`. The table below is the whole policy: read it to know who
may do what. Case-level data (records, quarantined rows) is visible only to members of the
organisation that holds it — not even a hub administrator reads another organisation's rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from tiphub.accounts.principal import Principal
from tiphub.errors import Forbidden


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]  # organisation roles that allow it (in the organisation concerned)
    hub_admin: bool  # whether a hub administrator may, whatever the organisation
    any_member: bool  # whether any signed-in user may (space-wide, non-case-level data)
    scope: str  # the API-token scope needed
    per_organisation: bool  # whether the action concerns one organisation's data
    public: bool = False  # whether someone not signed in may (the directory of institutions)


def _rule(roles: str = "", *, hub_admin: bool = False, anyone: bool = False, scope: str = "read",
          per_org: bool = False, public: bool = False) -> Rule:
    return Rule(frozenset(roles.split()), hub_admin, anyone or public, scope, per_org, public)


STEWARDS = "org_admin data_steward"
CASE_READERS = "org_admin data_steward analyst"
MEMBERS = "org_admin data_steward analyst viewer"

POLICY: dict[str, Rule] = {
    # space-wide, protected outputs: every signed-in member
    "stats:read": _rule(anyone=True),
    "reports:read": _rule(anyone=True),
    "organisations:read": _rule(anyone=True),
    "linkage:read": _rule(anyone=True),  # runs and protected counts of persons, no scores
    "estimates:run": _rule(anyone=True),  # estimates from an overlap table the user supplies
    # one organisation's files and case-level data
    "submissions:read": _rule(MEMBERS, hub_admin=True, per_org=True),
    "imports:create": _rule(STEWARDS, scope="import", per_org=True),
    "records:read": _rule(CASE_READERS, per_org=True),
    "quarantine:read": _rule(STEWARDS, per_org=True),
    # administration
    "organisations:manage": _rule(hub_admin=True, scope="admin"),
    "members:manage": _rule("org_admin", hub_admin=True, scope="admin", per_org=True),
    "users:manage": _rule(hub_admin=True, scope="admin"),
    "audit:read": _rule(hub_admin=True, scope="admin"),
    # linking every organisation's encodings, and the exact overlap table estimation needs
    "linkage:run": _rule(hub_admin=True, scope="admin"),
    # one's own account
    "tokens:manage": _rule(anyone=True, scope="admin"),
    # coordination: the directory of institutions is public; an organisation's administrator
    # edits its own entry's mandate and contacts (kind and membership: hub administrators)
    "directory:read": _rule(public=True),
    "directory:manage": _rule("org_admin", hub_admin=True, scope="admin", per_org=True),
    # programmes and activities (5W): every member reads; the implementer's stewards manage
    "programmes:read": _rule(anyone=True),
    "programmes:manage": _rule(STEWARDS, hub_admin=True, scope="import", per_org=True),
    # treaty instruments: who is party is public record; importing the depositaries' status
    # files (which replaces what the hub holds) is for hub administrators
    "instruments:read": _rule(public=True),
    "instruments:manage": _rule(hub_admin=True, scope="admin"),
    # differentially private releases: published ones are public (drafts: hub administrators,
    # who alone set the privacy budget and spend it)
    "releases:read": _rule(public=True),
    "releases:manage": _rule(hub_admin=True, scope="admin"),
}


def allowed(principal: Principal, action: str, organisation_id: int | None = None) -> bool:
    """Whether ``principal`` may do ``action`` (on ``organisation_id``'s data, if it has one)."""
    rule = POLICY[action]
    if principal.via == "cli":
        return True
    if principal.via == "anonymous":
        return rule.public
    if principal.scopes is not None and rule.scope not in principal.scopes:
        return False
    if rule.any_member:
        return True
    if rule.hub_admin and principal.hub_admin:
        return True
    if rule.per_organisation and organisation_id is not None:
        return principal.role_in(organisation_id) in rule.roles
    return False


def authorize(principal: Principal, action: str, organisation_id: int | None = None) -> None:
    """Raise :class:`Forbidden` unless :func:`allowed`."""
    if action not in POLICY:
        raise KeyError(f"unknown action {action!r}")
    if not allowed(principal, action, organisation_id):
        where = f" for organisation {organisation_id}" if organisation_id is not None else ""
        raise Forbidden(f"not allowed: {action}{where}",
                        hint="ask an administrator of your organisation for the right role")
