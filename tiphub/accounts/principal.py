"""Who is asking: a signed-in user (by session or API token), or the local command line."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Roles a user holds in an organisation, most powerful first. Hub administrator is not an
#: organisation role: it is a flag on the user.
ROLES: tuple[str, ...] = ("org_admin", "data_steward", "analyst", "viewer")

#: Scopes an API token may carry; a token never has more rights than its user.
SCOPES: tuple[str, ...] = ("read", "import", "admin")


@dataclass(frozen=True)
class Principal:
    """The identity and rights behind one request."""

    user_id: int | None
    email: str
    name: str
    hub_admin: bool = False
    roles: dict[int, str] = field(default_factory=dict)  # organisation id -> role
    via: str = "session"  # "session", "token" or "cli"
    scopes: frozenset[str] | None = None  # None: everything the user may do
    token_id: int | None = None
    session_id: int | None = None
    ip: str | None = None  # where the request came from, for the audit log

    @property
    def label(self) -> str:
        """How the audit log names this principal."""
        return self.email or self.name

    def role_in(self, organisation_id: int | None) -> str | None:
        return self.roles.get(organisation_id) if organisation_id is not None else None

    @property
    def organisations(self) -> set[int]:
        return set(self.roles)


#: The local command line and the Python API: whoever can open the database file owns it.
SYSTEM = Principal(user_id=None, email="", name="local command line", hub_admin=True, via="cli")

#: Nobody signed in: may read only what the policy marks public (the directory).
ANONYMOUS = Principal(user_id=None, email="", name="anonymous", via="anonymous",
                      scopes=frozenset({"read"}))
