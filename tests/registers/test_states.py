"""The shared state-machine helper and every register's declared machine."""

from __future__ import annotations

import pytest

from vats.model.errors import ExitCode
from vats.registers.states import TransitionError, machine, registers

EXPECTED_PATHS = {
    "case": ["dispose", "report", "close"],
    "complaint": ["reply", "close"],
    "incident": ["contain", "report", "follow_up", "close"],
    "assessment": ["complete", "report", "close"],
    "change": ["file", "close"],
    "filing": ["attach", "submit", "attach", "close"],
}


def test_apply_follows_edges_and_refuses_others_with_a_clear_message() -> None:
    m = machine("demo", initial="a", edges=[("a", "go", "b"), ("b", "stop", "c")], open_states=("a",))
    assert m.apply("a", "go", subject="demo 1") == "b"
    with pytest.raises(TransitionError) as info:
        m.apply("a", "stop", subject="demo 1")
    assert "demo 1" in info.value.message and "go" in info.value.message  # names the allowed action
    assert info.value.exit_code == ExitCode.REFUSED
    with pytest.raises(TransitionError, match="none"):
        m.apply("c", "go", subject="demo 1")


def test_duplicate_edges_and_unknown_open_states_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        machine("x", initial="a", edges=[("a", "go", "b"), ("a", "go", "c")], open_states=())
    with pytest.raises(ValueError, match="open states"):
        machine("x", initial="a", edges=[("a", "go", "b")], open_states=("zzz",))


def test_every_register_is_registered_once_in_order() -> None:
    keys = [info.key for info in registers()]
    assert keys == ["case", "complaint", "incident", "assessment", "change", "filing"]


@pytest.mark.parametrize("key", sorted(EXPECTED_PATHS))
def test_happy_path_reaches_a_closed_state(key: str) -> None:
    info = next(i for i in registers() if i.key == key)
    m = info.machine
    state = m.initial
    assert state in m.open_states
    for action in EXPECTED_PATHS[key]:
        state = m.apply(state, action, subject=key)
    assert state == "closed"
    assert state not in m.open_states
    assert m.actions_from(state) == ()  # closed records are final


@pytest.mark.parametrize("key", sorted(EXPECTED_PATHS))
def test_no_action_skips_ahead_from_the_initial_state(key: str) -> None:
    info = next(i for i in registers() if i.key == key)
    m = info.machine
    with pytest.raises(TransitionError):
        m.apply(m.initial, "close", subject=key)


def test_flow_reads_the_path_and_puts_loops_before_the_way_out() -> None:
    from vats.registers.states import flow

    built = flow(
        "incident",
        "open --report--> reported --close--> closed",
        open_states=("open", "reported"),
        loops={"contain": ("open", "reported"), "follow_up": ("reported",)},
    )
    assert list(built.transitions.items()) == [
        (("open", "contain"), "open"),
        (("open", "report"), "reported"),
        (("reported", "contain"), "reported"),
        (("reported", "follow_up"), "reported"),
        (("reported", "close"), "closed"),
    ]
    assert built.initial == "open" and built.actions_from("reported") == ("contain", "follow_up", "close")


@pytest.mark.parametrize(
    ("path", "loops"),
    [
        ("open --file-> filed", None),  # not an arrow
        ("open --file--> filed --close-->", None),  # ends on an arrow
        ("open --file--> filed", {"attach": ("draft",)}),  # loop off the path
    ],
)
def test_flow_refuses_a_malformed_path(path: str, loops: dict[str, tuple[str, ...]] | None) -> None:
    from vats.registers.states import flow

    with pytest.raises(ValueError):
        flow("change", path, open_states=("open",), loops=loops)
