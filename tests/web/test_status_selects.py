"""Every status pick list on the web lists its statuses in their natural order (the order things
happen), each with its Chinese label rather than its code."""

from __future__ import annotations

import re

import pytest

from vats.api.testing import Server
from vats.model.obligation_ids import WORK_LABELS, WorkStatus
from vats.registers.dossiers import service as dossiers
from vats.registers.states import registers

OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


def options(page: str, select_id: str) -> list[tuple[str, str]]:
    """The (value, label) pairs of one select, the empty "all" choice left out."""
    block = page.split(f'<select id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return [(v, label.strip()) for v, label in OPTION.findall(block) if v]


@pytest.fixture(scope="module")
def officer(web_server: Server):  # type: ignore[no-untyped-def]
    client, _csrf = web_server.login("officer")
    return client


@pytest.mark.parametrize("info", registers(), ids=lambda i: i.plural)
def test_register_status_filter_in_natural_order(officer, info) -> None:  # type: ignore[no-untyped-def]
    page = officer.get(f"/registers/{info.plural}").text
    shown = options(page, "f-status")
    machine = info.machine
    assert [v for v, _ in shown] == list(machine.ordered_states)
    assert [label for _, label in shown] == [machine.label(s) for s in machine.ordered_states]
    assert all(code != label for code, label in shown)


def test_obligation_status_filter_in_natural_order(officer) -> None:  # type: ignore[no-untyped-def]
    shown = options(officer.get("/obligations").text, "f-status")
    assert shown[0] == ("open", "待办（全部未完成）")
    assert shown[1:] == [(s.value, WORK_LABELS[s]) for s in WorkStatus]
    assert [v for v, _ in shown[1:4]] == ["overdue", "due_soon", "upcoming"]


def test_dossier_status_filter_in_natural_order(officer) -> None:  # type: ignore[no-untyped-def]
    shown = options(officer.get("/dossiers").text, "f-status")
    assert shown == list(dossiers.STATUS_LABELS.items())
    assert [v for v, _ in shown] == [dossiers.OPEN, dossiers.SUBMITTED, dossiers.APPROVED]


def test_copy_state_filter_in_natural_order(officer) -> None:  # type: ignore[no-untyped-def]
    shown = options(officer.get("/copies").text, "f-state")
    assert [v for v, _ in shown] == ["valid", "expired", "revoked"]
    assert all(re.search(r"[\u4e00-\u9fff]", label) for _, label in shown), shown
