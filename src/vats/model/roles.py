"""The four user roles (their Chinese labels are in the web catalogue, keyed by the code).

They live in the pure core so the account services (store) and request authorisation (api) share
one definition.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """The four roles. Writes to registers: admin, officer. The audit log: admin, auditor."""

    ADMIN = "admin"
    OFFICER = "officer"
    VIEWER = "viewer"
    AUDITOR = "auditor"
