"""Accounts, roles and the authorization policy of the shared service."""

from tiphub.accounts.policy import POLICY, allowed, authorize
from tiphub.accounts.principal import ANONYMOUS, ROLES, SCOPES, SYSTEM, Principal
from tiphub.accounts.service import Accounts

__all__ = ["ANONYMOUS", "POLICY", "ROLES", "SCOPES", "SYSTEM", "Accounts", "Principal", "allowed",
           "authorize"]
