"""The Hub's account methods (mixed into :class:`tiphub.Hub`): every one checks the policy and
writes the audit log, so the API, the web pages and the CLI behave the same."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from tiphub.accounts.policy import authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.accounts.service import EMAIL, Accounts
from tiphub.errors import Forbidden, TiphubError

if TYPE_CHECKING:
    from tiphub.config import Settings
    from tiphub.records import Organisation
    from tiphub.store.engine import Database


def _own_account(principal: Principal) -> None:
    authorize(principal, "tokens:manage")
    if principal.via == "token":
        raise Forbidden("an API token cannot change the account's sign-in",
                        hint="sign in on the web page")


class AccountMethods:
    db: Database
    settings: Settings

    def organisation(self, code: str) -> Organisation:  # provided by Hub
        raise NotImplementedError

    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.db, self.settings)

    # -- users and roles ----------------------------------------------------------------------

    def create_user(self, email: str, name: str, password: str | None = None, *,
                    hub_admin: bool = False, principal: Principal = SYSTEM) -> int:
        """Add a user (without a password they sign in after a reset link)."""
        authorize(principal, "users:manage")
        user_id = self.accounts.create_user(email, name, password, hub_admin=hub_admin)
        self.accounts.audit(principal, "user:create", target_type="user", target_id=user_id,
                            detail={"hub_admin": hub_admin})
        return user_id

    def set_role(self, email: str, org: str, role: str | None, *,
                 principal: Principal = SYSTEM) -> None:
        """Give ``email`` a role in organisation ``org`` (None removes the membership)."""
        organisation = self.organisation(org)
        authorize(principal, "members:manage", organisation.id)
        if principal.via != "cli" and email.strip().lower() == principal.email:
            # nobody grants themselves access to case records: another administrator must
            raise Forbidden("you cannot change your own roles",
                            hint="ask another administrator of the organisation")
        self.accounts.set_role(email, organisation.id, role)
        self.accounts.audit(principal, "member:set-role", target_type="user",
                            target_id=self.accounts.user(email).id,
                            organisation_id=organisation.id, detail={"role": role})

    def members(self, org: str, *, principal: Principal = SYSTEM) -> list[dict[str, Any]]:
        """The members of organisation ``org``: e-mail address, name and role, by e-mail."""
        organisation = self.organisation(org)
        authorize(principal, "members:manage", organisation.id)
        from tiphub.store import accounts as store

        with self.db.connect() as conn:
            return [{"email": m.email, "name": m.name, "role": m.role}
                    for m in store.members_of(conn, organisation.id)]

    def users(self, *, principal: Principal = SYSTEM) -> list[dict[str, Any]]:
        authorize(principal, "users:manage")
        from tiphub.store import accounts as store

        with self.db.connect() as conn:
            return [{"id": u.id, "email": u.email, "name": u.name, "hub_admin": u.hub_admin,
                     "totp": u.totp_enabled, "disabled": u.disabled,
                     "roles": store.memberships_of(conn, u.id)} for u in store.list_users(conn)]

    # -- signing in -------------------------------------------------------------------------------

    def login(self, email: str, password: str, *, totp: str | None = None,
              ip: str = "unknown") -> tuple[Principal, str, str]:
        """Sign in; returns the principal, the session token (a cookie) and its CSRF token."""
        try:
            principal, token, csrf = self.accounts.login(email, password, totp=totp, ip=ip)
        except TiphubError as exc:
            typed = email.strip().lower()
            # what was typed may be a password in the wrong field: keep it only if an address
            actor = typed[:254] if EMAIL.match(typed) else "(not an e-mail address)"
            self.accounts.audit(None, "auth:sign-in", outcome="failed", ip=ip, actor=actor,
                                detail={"reason": type(exc).__name__})
            raise
        self.accounts.audit(principal, "auth:sign-in")
        return principal, token, csrf

    def logout(self, principal: Principal) -> None:
        self.accounts.logout(principal)
        self.accounts.audit(principal, "auth:sign-out")

    def session_principal(self, token: str, *, ip: str | None = None) -> tuple[Principal, str]:
        return self.accounts.session_principal(token, ip=ip)

    def token_principal(self, token: str, *, ip: str | None = None) -> Principal:
        return self.accounts.token_principal(token, ip=ip)

    def setup_link(self) -> str | None:
        """While the hub has no user: a one-time token to create the first administrator."""
        return self.accounts.setup_link()

    def complete_setup(self, token: str, email: str, name: str, password: str) -> int:
        user_id = self.accounts.use_link(token, "setup", password=password, email=email, name=name)
        self.accounts.audit(None, "user:create", actor=email, target_type="user",
                            target_id=user_id, detail={"hub_admin": True, "via": "setup link"})
        return user_id

    def reset_link(self, email: str, *, principal: Principal = SYSTEM) -> str:
        """An administrator's reset: a one-time token for the user to set a new password."""
        authorize(principal, "users:manage")
        token = self.accounts.reset_link(email)
        self.accounts.audit(principal, "user:reset-password", target_type="user",
                            target_id=self.accounts.user(email).id)
        return token

    def reset_password(self, token: str, password: str) -> None:
        user_id = self.accounts.use_link(token, "reset", password=password)
        self.accounts.audit(None, "user:password-set", actor=f"user {user_id}",
                            target_type="user", target_id=user_id)

    # -- API tokens and the second factor ---------------------------------------------------------

    def create_api_token(self, principal: Principal, name: str, scopes: list[str],
                         days: int | None = 90) -> tuple[int, str]:
        """A token for scripts (shown once; only its keyed hash is stored)."""
        authorize(principal, "tokens:manage")
        token_id, token = self.accounts.create_token(principal, name, scopes, days)
        self.accounts.audit(principal, "token:create", target_type="token", target_id=token_id,
                            detail={"scopes": scopes})
        return token_id, token

    def api_tokens(self, principal: Principal) -> list[dict[str, Any]]:
        authorize(principal, "tokens:manage")
        return self.accounts.tokens(principal)

    def revoke_api_token(self, principal: Principal, token_id: int) -> None:
        authorize(principal, "tokens:manage")
        self.accounts.revoke_token(principal, token_id)
        self.accounts.audit(principal, "token:revoke", target_type="token", target_id=token_id)

    def begin_totp(self, principal: Principal) -> str:
        """Start enrolling a second factor (a signed-in person, never an API token)."""
        _own_account(principal)
        uri = self.accounts.begin_totp(principal)
        self.accounts.audit(principal, "auth:totp-begin", target_type="user",
                            target_id=principal.user_id)
        return uri

    def confirm_totp(self, principal: Principal, code: str) -> None:
        _own_account(principal)
        self.accounts.confirm_totp(principal, code)
        self.accounts.audit(principal, "auth:totp-enabled", target_type="user",
                            target_id=principal.user_id)

    # -- the audit log ----------------------------------------------------------------------------

    def audit_log(self, *, limit: int = 100, offset: int = 0,
                  principal: Principal = SYSTEM) -> tuple[int, list[dict[str, Any]]]:
        """Entries newest first, and how many there are."""
        authorize(principal, "audit:read")
        self.accounts.audit(principal, "audit:read")
        return self.accounts.audit_log(limit=limit, offset=offset)
