"""Account services on both databases: a new password ends the user's other sessions and revokes
their tokens and feeds, a disabled user's credentials stop working, sessions are revoked within
scope, and ending a session is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from vats.model.errors import InputError, NotFoundError
from vats.store import accounts
from vats.store.auditlog import AuditEntry, verify
from vats.store.db import session_scope
from vats.store.organisations import add_organisation

PASSWORD = "correct horse battery"


def _user_with_credentials(engine: Engine, name: str) -> dict[str, str]:
    """A user with two browser sessions, an API token and a calendar feed."""
    with session_scope(engine, actor="setup") as s:
        actor = accounts.create_user(s, name=name, role="officer", password=PASSWORD)
        first, _ = accounts.open_web_session(s, actor)
        second, _ = accounts.open_web_session(s, actor)
        token = accounts.create_token(s, user=name).secret
        feed = accounts.create_calendar_feed(s, actor_id=actor.id)
    return {"first": first, "second": second, "token": token, "feed": feed}


def _live(engine: Engine, creds: dict[str, str]) -> dict[str, bool]:
    with session_scope(engine, actor="test") as s:
        return {
            "first": accounts.actor_for_session(s, creds["first"]) is not None,
            "second": accounts.actor_for_session(s, creds["second"]) is not None,
            "token": accounts.actor_for_token(s, creds["token"]) is not None,
            "feed": accounts.actor_for_feed(s, creds["feed"]) is not None,
        }


def test_password_change_keeps_only_the_changing_session(engine: Engine) -> None:
    creds = _user_with_credentials(engine, "olga")
    assert _live(engine, creds) == {"first": True, "second": True, "token": True, "feed": True}
    with session_scope(engine, actor="olga") as s, pytest.raises(InputError) as wrong:
        accounts.change_password(s, name="olga", current="not it at all", new="a new password")
    assert wrong.value.field == "current_password"
    assert _live(engine, creds)["second"]  # a refused change ends nothing
    with session_scope(engine, actor="olga") as s:
        accounts.change_password(
            s, name="olga", current=PASSWORD, new="a new password", keep_session=creds["first"]
        )
    assert _live(engine, creds) == {"first": True, "second": False, "token": False, "feed": False}
    with session_scope(engine, actor="test") as s:
        assert accounts.authenticate_password(s, name="olga", password="a new password") is not None
        assert accounts.authenticate_password(s, name="olga", password=PASSWORD) is None


def test_admin_reset_ends_every_session(engine: Engine) -> None:
    creds = _user_with_credentials(engine, "pavel")
    with session_scope(engine, actor="admin") as s:
        accounts.reset_password(s, name="pavel", password="reset by admin")
    assert _live(engine, creds) == {"first": False, "second": False, "token": False, "feed": False}


def test_disabled_user_credentials_stop_working(engine: Engine) -> None:
    creds = _user_with_credentials(engine, "quinn")
    with session_scope(engine, actor="admin") as s:
        accounts.disable(s, name="quinn")
    assert _live(engine, creds) == {"first": False, "second": False, "token": False, "feed": False}
    with session_scope(engine, actor="test") as s:
        assert accounts.authenticate_password(s, name="quinn", password=PASSWORD) is None
    with session_scope(engine, actor="admin") as s:
        accounts.enable(s, name="quinn")
    live = _live(engine, creds)
    assert live["token"] and live["feed"] and not live["first"]  # sessions ended for good


def test_sessions_are_listed_and_revoked_within_scope(engine: Engine) -> None:
    mine = _user_with_credentials(engine, "rosa")
    theirs = _user_with_credentials(engine, "sam")
    with session_scope(engine, actor="rosa") as s:
        listed = accounts.list_sessions(s, user="rosa", current=mine["first"])
        assert [x.user for x in listed] == ["rosa", "rosa"]
        assert sum(x.current for x in listed) == 1
        everyone = accounts.list_sessions(s)
        assert {x.user for x in everyone} == {"rosa", "sam"}
        foreign = next(x.handle for x in everyone if x.user == "sam")
        with pytest.raises(NotFoundError) as missing:
            accounts.revoke_session(s, handle=foreign, user="rosa")  # not hers: same as missing
        assert missing.value.field == "session"
        other = next(x.handle for x in listed if not x.current)
        accounts.revoke_session(s, handle=other, user="rosa")
    assert _live(engine, mine)["first"] and not _live(engine, mine)["second"]
    assert _live(engine, theirs)["first"]
    with session_scope(engine, actor="audit") as s:
        ended = s.scalars(select(AuditEntry).where(AuditEntry.entity == "web_sessions")).all()
        assert [(e.actor, e.action) for e in ended] == [("rosa", "delete")]
        assert verify(s).ok


def test_grants_revoke_and_refuse_unknown_organisations(engine: Engine) -> None:
    with session_scope(engine, actor="admin") as s:
        org = add_organisation(s, name="甲公司").id
        accounts.create_user(s, name="tess", role="viewer", password=PASSWORD)
        accounts.grant(s, name="tess", organisation_id=org)
        assert accounts.granted_organisations(s, actor_id=accounts.get_user(s, "tess").id) == {org}
        with pytest.raises(NotFoundError) as unknown:
            accounts.grant(s, name="tess", organisation_id=org + 100)
        assert unknown.value.field == "organisation"
        accounts.revoke_grant(s, name="tess", organisation_id=org)
        with pytest.raises(NotFoundError):
            accounts.revoke_grant(s, name="tess", organisation_id=org)
        with pytest.raises(InputError) as bad_role:
            accounts.set_role(s, name="tess", role="root")
        assert bad_role.value.field == "role"
