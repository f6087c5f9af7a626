"""SQL for accounts, memberships, sessions, API tokens, one-time links, sign-in attempts and
the audit log. The rules (hashing, lockout, expiry) live in :mod:`tiphub.accounts.service`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from tiphub.errors import Conflict
from tiphub.store import schema as t


def count_users(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(t.users)).scalar_one()


def insert_user(conn: Connection, *, email: str, name: str, password_hash: str | None,
                hub_admin: bool, now: datetime) -> int:
    try:
        with conn.begin_nested():
            return conn.execute(insert(t.users).values(
                email=email, name=name, password_hash=password_hash, hub_admin=hub_admin,
                totp_enabled=False, failed_logins=0, disabled=False, created_at=now,
            )).inserted_primary_key[0]
    except IntegrityError:
        raise Conflict("a user with this e-mail address already exists") from None


def user_by_email(conn: Connection, email: str) -> Any:
    return conn.execute(select(t.users).where(t.users.c.email == email)).first()


def user_by_id(conn: Connection, user_id: int) -> Any:
    return conn.execute(select(t.users).where(t.users.c.id == user_id)).first()


def list_users(conn: Connection) -> list[Any]:
    return list(conn.execute(select(t.users).order_by(t.users.c.email)))


def update_user(conn: Connection, user_id: int, **values: Any) -> None:
    conn.execute(update(t.users).where(t.users.c.id == user_id).values(**values))


def memberships_of(conn: Connection, user_id: int) -> dict[int, str]:
    rows = conn.execute(select(t.memberships.c.organisation_id, t.memberships.c.role)
                        .where(t.memberships.c.user_id == user_id))
    return {org: role for org, role in rows}


def members_of(conn: Connection, organisation_id: int) -> list[Any]:
    return list(conn.execute(
        select(t.users.c.id, t.users.c.email, t.users.c.name, t.memberships.c.role)
        .join(t.memberships, t.memberships.c.user_id == t.users.c.id)
        .where(t.memberships.c.organisation_id == organisation_id).order_by(t.users.c.email)))


def set_membership(conn: Connection, user_id: int, organisation_id: int, role: str | None) -> None:
    m = t.memberships
    conn.execute(delete(m).where(m.c.user_id == user_id, m.c.organisation_id == organisation_id))
    if role is not None:
        conn.execute(insert(m).values(user_id=user_id, organisation_id=organisation_id, role=role))


# -- sessions, tokens, links ------------------------------------------------------------------


def insert_session(conn: Connection, **values: Any) -> int:
    return conn.execute(insert(t.sessions).values(**values)).inserted_primary_key[0]


def session_by_hash(conn: Connection, token_hash: str) -> Any:
    return conn.execute(select(t.sessions).where(t.sessions.c.token_hash == token_hash)).first()


def update_session(conn: Connection, session_id: int, **values: Any) -> None:
    conn.execute(update(t.sessions).where(t.sessions.c.id == session_id).values(**values))


def revoke_sessions_of(conn: Connection, user_id: int) -> None:
    conn.execute(update(t.sessions).where(t.sessions.c.user_id == user_id).values(revoked=True))


def revoke_tokens_of(conn: Connection, user_id: int, now: datetime) -> None:
    a = t.api_tokens
    conn.execute(update(a).where(a.c.user_id == user_id, a.c.revoked_at.is_(None))
                 .values(revoked_at=now))


def insert_token(conn: Connection, **values: Any) -> int:
    return conn.execute(insert(t.api_tokens).values(**values)).inserted_primary_key[0]


def token_by_hash(conn: Connection, token_hash: str) -> Any:
    return conn.execute(select(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash)).first()


def tokens_of(conn: Connection, user_id: int) -> list[Any]:
    return list(conn.execute(select(t.api_tokens).where(t.api_tokens.c.user_id == user_id)
                             .order_by(t.api_tokens.c.id)))


def update_token(conn: Connection, token_id: int, **values: Any) -> None:
    conn.execute(update(t.api_tokens).where(t.api_tokens.c.id == token_id).values(**values))


def insert_link(conn: Connection, **values: Any) -> int:
    return conn.execute(insert(t.one_time_links).values(**values)).inserted_primary_key[0]


def link_by_hash(conn: Connection, token_hash: str) -> Any:
    return conn.execute(select(t.one_time_links)
                        .where(t.one_time_links.c.token_hash == token_hash)).first()


def use_link(conn: Connection, link_id: int, now: datetime) -> bool:
    """Mark a link used; False when another request used it first."""
    result = conn.execute(update(t.one_time_links).where(
        t.one_time_links.c.id == link_id, t.one_time_links.c.used_at.is_(None)).values(used_at=now))
    return result.rowcount == 1


# -- sign-in attempts and the audit log -------------------------------------------------------


def add_login_attempt(conn: Connection, ip: str, success: bool, now: datetime) -> None:
    conn.execute(insert(t.login_attempts).values(at=now, ip=ip, success=success))


def prune(conn: Connection, before: datetime) -> None:
    """Forget sign-in attempts and ended sessions older than ``before``."""
    conn.execute(delete(t.login_attempts).where(t.login_attempts.c.at < before))
    conn.execute(delete(t.sessions).where(t.sessions.c.expires_at < before))


def failures_since(conn: Connection, ip: str, since: datetime) -> int:
    a = t.login_attempts.c
    return conn.execute(select(func.count()).select_from(t.login_attempts).where(
        a.ip == ip, a.at >= since, a.success.is_(False))).scalar_one()


def append_audit(conn: Connection, **values: Any) -> None:
    detail = values.pop("detail", None)
    conn.execute(insert(t.audit_log).values(
        detail=json.dumps(detail, ensure_ascii=False) if detail else None, **values))


def audit_entries(conn: Connection, *, limit: int, offset: int,
                  organisation_id: int | None = None) -> tuple[int, list[Any]]:
    a = t.audit_log
    where = [a.c.organisation_id == organisation_id] if organisation_id is not None else []
    total = conn.execute(select(func.count()).select_from(a).where(*where)).scalar_one()
    rows = conn.execute(select(a).where(*where).order_by(a.c.id.desc()).limit(limit).offset(offset))
    return total, list(rows)
