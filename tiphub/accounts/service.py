"""Accounts: passwords, sign-in with lockout, sessions, API tokens, one-time links, TOTP and
the audit log. SQL is in :mod:`tiphub.store.accounts`; who may do what is in
:mod:`tiphub.accounts.policy`.

Secrets handed to people (session cookies, API tokens, one-time links) are random; the
database holds only their HMAC under the server's secret key, so a copy of the database alone
does not let anyone sign in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tiphub.accounts.principal import ROLES, SCOPES, Principal
from tiphub.config import Settings
from tiphub.errors import Forbidden, InvalidInput, NotFound, TooManyAttempts, Unauthorized
from tiphub.store import accounts as store
from tiphub.store.engine import Database

HASHER = PasswordHasher()
# verified when the e-mail is unknown, so a miss costs as much time as a wrong password
DUMMY_HASH = HASHER.hash("tiphub-dummy-password")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 12
IP_WINDOW = timedelta(minutes=10)
LINK_LIFETIME = timedelta(hours=24)
TOKEN_PREFIX = "tph_"
TOUCH_EVERY = timedelta(minutes=1)  # how fresh "last seen / last used" is kept


def now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything here is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


class Accounts:
    """The account service of one hub (one database, one secret key)."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    # -- secrets ------------------------------------------------------------------------------

    def digest(self, token: str) -> str:
        return hmac.new(self.settings.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def check_password(password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters",
                               hint="a few unrelated words make a strong, memorable password")

    # -- users ----------------------------------------------------------------------------------

    def create_user(self, email: str, name: str, password: str | None = None, *,
                    hub_admin: bool = False) -> int:
        email = email.strip().lower()
        if not EMAIL.match(email):
            raise InvalidInput("that is not an e-mail address")
        if password is not None:
            self.check_password(password)
        with self.db.begin() as conn:
            return store.insert_user(conn, email=email, name=name.strip() or email,
                                     password_hash=HASHER.hash(password) if password else None,
                                     hub_admin=hub_admin, now=now())

    def user(self, email: str) -> Any:
        with self.db.connect() as conn:
            row = store.user_by_email(conn, email.strip().lower())
        if row is None:
            raise NotFound("no user with that e-mail address")
        return row

    def has_users(self) -> bool:
        with self.db.connect() as conn:
            return store.count_users(conn) > 0

    def set_role(self, email: str, organisation_id: int, role: str | None) -> None:
        if role is not None and role not in ROLES:
            raise InvalidInput(f"unknown role {role!r}", hint=f"accepted: {', '.join(ROLES)}")
        user = self.user(email)
        with self.db.begin() as conn:
            store.set_membership(conn, user.id, organisation_id, role)

    def principal(self, user_id: int, **extra: Any) -> Principal:
        with self.db.connect() as conn:
            row = store.user_by_id(conn, user_id)
            roles = store.memberships_of(conn, user_id)
        if row is None or row.disabled:
            raise Unauthorized("the account no longer exists or is disabled")
        return Principal(user_id=row.id, email=row.email, name=row.name,
                         hub_admin=bool(row.hub_admin), roles=roles, **extra)

    # -- signing in -------------------------------------------------------------------------------

    def login(self, email: str, password: str, *, totp: str | None = None,
              ip: str = "unknown") -> tuple[Principal, str, str]:
        """Check the credentials; return the principal, a session token and its CSRF token.

        Failures are counted per account (a lock after ``login_max_failures``) and per address
        (a pause after ``login_ip_failures`` in ten minutes); messages never say which part of
        the credentials was wrong.
        """
        moment = now()
        with self.db.begin() as conn:
            store.prune(conn, moment - timedelta(days=1))
            if store.failures_since(conn, ip, moment - IP_WINDOW) >= self.settings.login_ip_failures:
                raise TooManyAttempts("too many failed sign-ins from this address; try later")
            row = store.user_by_email(conn, email.strip().lower())
            locked = row is not None and (_aware(row.locked_until) or moment) > moment
            # a locked account answers like a wrong password (and takes as long): the answer
            # must not tell whether an address has an account
            ok = self._verify(row, password) and self._totp_ok(row, totp) and not locked
            store.add_login_attempt(conn, ip, ok, moment)
            if not ok:
                if row is not None and not locked:
                    failures = row.failed_logins + 1
                    lock = (moment + timedelta(minutes=self.settings.login_lockout_minutes)
                            if failures >= self.settings.login_max_failures else None)
                    store.update_user(conn, row.id, failed_logins=0 if lock else failures,
                                      locked_until=lock)
        if not ok:  # raised after the transaction, so the failure stays counted
            raise Unauthorized("wrong e-mail address, password or code")
        with self.db.begin() as conn:
            store.update_user(conn, row.id, failed_logins=0, locked_until=None)
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            session_id = store.insert_session(
                conn, user_id=row.id, token_hash=self.digest(token), csrf_token=csrf,
                created_at=moment, last_seen_at=moment, revoked=False, ip=ip[:64],
                expires_at=moment + timedelta(hours=self.settings.session_hours))
        return self.principal(row.id, via="session", session_id=session_id, ip=ip), token, csrf

    @staticmethod
    def _verify(row: Any, password: str) -> bool:
        if row is None or row.disabled or not row.password_hash:
            try:
                HASHER.verify(DUMMY_HASH, password)
            except (VerificationError, InvalidHashError):
                pass
            return False
        try:
            return HASHER.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @staticmethod
    def _totp_ok(row: Any, code: str | None) -> bool:
        if row is None or not row.totp_enabled:
            return True
        return bool(code) and pyotp.TOTP(row.totp_secret).verify(code.strip(), valid_window=1)

    def session_principal(self, token: str, *, ip: str | None = None) -> tuple[Principal, str]:
        """The principal of a live session and its CSRF token."""
        moment = now()
        with self.db.begin() as conn:
            row = store.session_by_hash(conn, self.digest(token))
            if row is None or row.revoked or _aware(row.expires_at) <= moment:
                raise Unauthorized("not signed in, or the session has ended")
            if moment - _aware(row.last_seen_at) > TOUCH_EVERY:  # not a write per request
                store.update_session(conn, row.id, last_seen_at=moment)
        return self.principal(row.user_id, via="session", session_id=row.id, ip=ip), row.csrf_token

    def logout(self, principal: Principal) -> None:
        if principal.session_id is not None:
            with self.db.begin() as conn:
                store.update_session(conn, principal.session_id, revoked=True)

    # -- API tokens -------------------------------------------------------------------------------

    def create_token(self, principal: Principal, name: str, scopes: list[str],
                     days: int | None = 90) -> tuple[int, str]:
        unknown = set(scopes) - set(SCOPES)
        if unknown or not scopes:
            raise InvalidInput("unknown or missing token scopes", hint=f"accepted: {', '.join(SCOPES)}")
        if principal.user_id is None:
            raise InvalidInput("API tokens belong to a user", hint="sign in first")
        if principal.scopes is not None and not set(scopes) <= principal.scopes:
            raise Forbidden("a token cannot make a token with more scopes than its own")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        moment = now()
        with self.db.begin() as conn:
            token_id = store.insert_token(
                conn, user_id=principal.user_id, name=name[:100] or "token",
                token_hash=self.digest(token), scopes=" ".join(sorted(set(scopes))),
                created_at=moment, expires_at=moment + timedelta(days=days) if days else None)
        return token_id, token

    def token_principal(self, token: str, *, ip: str | None = None) -> Principal:
        moment = now()
        with self.db.begin() as conn:
            row = store.token_by_hash(conn, self.digest(token))
            if row is None or row.revoked_at is not None or (
                    row.expires_at is not None and _aware(row.expires_at) <= moment):
                raise Unauthorized("the API token is unknown, expired or revoked")
            if row.last_used_at is None or moment - _aware(row.last_used_at) > TOUCH_EVERY:
                store.update_token(conn, row.id, last_used_at=moment)
        return self.principal(row.user_id, via="token", token_id=row.id,
                              scopes=frozenset(row.scopes.split()), ip=ip)

    def tokens(self, principal: Principal) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            rows = store.tokens_of(conn, principal.user_id or -1)
        return [{"id": r.id, "name": r.name, "scopes": r.scopes.split(), "created_at": r.created_at,
                 "expires_at": r.expires_at, "revoked": r.revoked_at is not None,
                 "last_used_at": r.last_used_at} for r in rows]

    def revoke_token(self, principal: Principal, token_id: int) -> None:
        with self.db.begin() as conn:
            rows = {r.id: r for r in store.tokens_of(conn, principal.user_id or -1)}
            if token_id not in rows:
                raise NotFound(f"token {token_id} not found among yours")
            store.update_token(conn, token_id, revoked_at=now())

    # -- one-time links: the first administrator, password resets --------------------------------

    def setup_link(self) -> str | None:
        """A one-time token to create the first administrator, while there is no user."""
        if self.has_users():
            return None
        return self._link("setup", None)

    def reset_link(self, email: str) -> str:
        """A one-time token with which the user sets a new password (made by an administrator)."""
        return self._link("reset", self.user(email).id)

    def _link(self, purpose: str, user_id: int | None) -> str:
        token = secrets.token_urlsafe(32)
        moment = now()
        with self.db.begin() as conn:
            store.insert_link(conn, purpose=purpose, user_id=user_id, token_hash=self.digest(token),
                              created_at=moment, expires_at=moment + LINK_LIFETIME)
        return token

    def use_link(self, token: str, purpose: str, *, password: str, email: str | None = None,
                 name: str | None = None) -> int:
        """Spend a one-time link: create the first administrator or set a new password."""
        self.check_password(password)
        moment = now()
        with self.db.begin() as conn:
            link = store.link_by_hash(conn, self.digest(token))
            if (link is None or link.purpose != purpose or link.used_at is not None
                    or _aware(link.expires_at) <= moment or not store.use_link(conn, link.id, moment)):
                raise Unauthorized("the link is unknown, used or expired",
                                   hint="ask for a new one")
            if purpose == "setup":
                if store.count_users(conn) > 0:
                    raise Unauthorized("the hub already has an administrator")
                if not email or not EMAIL.match(email.strip().lower()):
                    raise InvalidInput("that is not an e-mail address")
                return store.insert_user(conn, email=email.strip().lower(), name=name or email,
                                         password_hash=HASHER.hash(password), hub_admin=True,
                                         now=moment)
            store.update_user(conn, link.user_id, password_hash=HASHER.hash(password),
                              failed_logins=0, locked_until=None, totp_enabled=False)
            store.revoke_sessions_of(conn, link.user_id)
            store.revoke_tokens_of(conn, link.user_id, moment)
            return link.user_id

    # -- second factor ----------------------------------------------------------------------------

    def begin_totp(self, principal: Principal) -> str:
        """A new TOTP secret for the user's authenticator app (active once confirmed).

        Refused while a second factor is on: enrolling again must not switch it off.
        """
        with self.db.begin() as conn:
            row = store.user_by_id(conn, principal.user_id)
            if row is None or row.totp_enabled:
                raise InvalidInput("the second factor is already on",
                                   hint="an administrator's password reset turns it off")
            secret = pyotp.random_base32()
            store.update_user(conn, principal.user_id, totp_secret=secret, totp_enabled=False)
        return pyotp.TOTP(secret).provisioning_uri(name=principal.email, issuer_name="tiphub")

    def confirm_totp(self, principal: Principal, code: str) -> None:
        with self.db.begin() as conn:
            row = store.user_by_id(conn, principal.user_id)
            if not row or not row.totp_secret or not pyotp.TOTP(row.totp_secret).verify(code, valid_window=1):
                raise InvalidInput("the code does not match", hint="check the app's clock and retry")
            store.update_user(conn, principal.user_id, totp_enabled=True)

    # -- audit ------------------------------------------------------------------------------------

    def audit(self, principal: Principal | None, action: str, *, outcome: str = "ok",
              target_type: str | None = None, target_id: Any = None,
              organisation_id: int | None = None, detail: dict[str, Any] | None = None,
              actor: str | None = None, ip: str | None = None) -> None:
        """Append one entry: who, what, when, from where. Never a case record's values."""
        with self.db.begin() as conn:
            store.append_audit(
                conn, at=now(), actor_user_id=principal.user_id if principal else None,
                actor=(actor or (principal.label if principal else "anonymous"))[:254],
                via=principal.via if principal else "web", action=action, outcome=outcome,
                target_type=target_type, target_id=None if target_id is None else str(target_id),
                organisation_id=organisation_id, ip=(ip or (principal.ip if principal else None)),
                detail=detail)

    def audit_log(self, *, limit: int = 100, offset: int = 0,
                  organisation_id: int | None = None) -> tuple[int, list[dict[str, Any]]]:
        with self.db.connect() as conn:
            total, rows = store.audit_entries(conn, limit=limit, offset=offset,
                                              organisation_id=organisation_id)
        return total, [dict(r._mapping) for r in rows]
