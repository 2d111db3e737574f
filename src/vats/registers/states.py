"""A small, declarative state machine shared by every register.

Each register declares its states and the actions allowed from each state once; services call
`machine.apply(record_state, action)` and get the next state or a `TransitionError` whose message says
what the record's state is and which actions are possible from there (in Chinese and English).
The table is also what the web UI reads to decide which buttons to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from vats.model.errors import RefusedError


class TransitionError(RefusedError):
    """The requested action is not allowed in the record's current state (exit 4, HTTP 403)."""


@dataclass(frozen=True, slots=True)
class StateMachine:
    """States, the actions allowed from each, and which states still count as open work."""

    name: str
    initial: str
    transitions: Mapping[tuple[str, str], str]  # (state, action) -> next state
    open_states: frozenset[str]
    labels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        states = self.states
        if self.initial not in states:
            raise ValueError(f"{self.name}: initial state {self.initial!r} has no transition")
        unknown = self.open_states - states
        if unknown:
            raise ValueError(f"{self.name}: open states {sorted(unknown)} are not states")

    @property
    def states(self) -> frozenset[str]:
        return frozenset(src for src, _ in self.transitions) | frozenset(self.transitions.values())

    @property
    def ordered_states(self) -> tuple[str, ...]:
        """The states in their natural order: the initial one, then as the declared transitions
        first reach them (received → handled → closed), how pick lists show them."""
        seen: dict[str, None] = {self.initial: None}
        for (src, _action), dst in self.transitions.items():
            seen.setdefault(src)
            seen.setdefault(dst)
        return tuple(seen)

    def actions_from(self, state: str) -> tuple[str, ...]:
        """Actions that may be applied in `state`, in declaration order."""
        return tuple(action for (src, action) in self.transitions if src == state)

    def can(self, state: str, action: str) -> bool:
        return (state, action) in self.transitions

    def label(self, state: str) -> str:
        """The state's Chinese name (from the register's labels), else the state itself."""
        if state in self.labels:
            return self.labels[state]
        from vats.registers.labels import state_label

        return state_label(self.name, state)

    def apply(self, state: str, action: str, *, subject: str) -> str:
        """The state after `action`, or TransitionError naming the subject, state and allowed actions."""
        try:
            return self.transitions[(state, action)]
        except KeyError:
            allowed = ", ".join(self.actions_from(state)) or "无 / none"
            raise TransitionError(
                f"{subject} 当前状态为「{self.label(state)}」，不能执行 {action} / "
                f"{subject} is {state}; cannot {action} (allowed: {allowed})",
                field="status",
            ) from None


def machine(
    name: str,
    *,
    initial: str,
    edges: list[tuple[str, str, str]],
    open_states: tuple[str, ...],
    labels: dict[str, str] | None = None,
) -> StateMachine:
    """Build a machine from `(state, action, next_state)` edges, refusing duplicate edges."""
    table: dict[tuple[str, str], str] = {}
    for src, action, dst in edges:
        if (src, action) in table:
            raise ValueError(f"{name}: duplicate transition {src} --{action}-->")
        table[(src, action)] = dst
    return StateMachine(
        name=name,
        initial=initial,
        transitions=MappingProxyType(table),
        open_states=frozenset(open_states),
        labels=MappingProxyType(labels or {}),
    )


def flow(
    name: str,
    path: str,
    *,
    open_states: tuple[str, ...],
    loops: Mapping[str, tuple[str, ...]] | None = None,
) -> StateMachine:
    """Build a machine from the path a record takes, written as the registers' docstrings draw it
    ("open --dispose--> disposed --close--> closed"), plus `loops`: actions that keep the state, each
    allowed in the states listed. A state's loops come before the step that leaves it, which is the
    order the web shows its buttons in."""
    tokens = path.split()
    states, arrows = tokens[0::2], tokens[1::2]
    if len(states) != len(arrows) + 1 or not all(a.startswith("--") and a.endswith("-->") for a in arrows):
        raise ValueError(f"{name}: a path alternates states and --action--> arrows: {path!r}")
    leaving = {src: (arrow[2:-3], dst) for src, arrow, dst in zip(states, arrows, states[1:], strict=False)}
    stays: dict[str, list[str]] = {}
    for action, where in (loops or {}).items():
        for state in where:
            stays.setdefault(state, []).append(action)
    edges = []
    for state in dict.fromkeys(states):
        edges += [(state, action, state) for action in stays.pop(state, [])]
        if state in leaving:
            edges.append((state, *leaving[state]))
    if stays:
        raise ValueError(f"{name}: loops in states off the path: {sorted(stays)}")
    return machine(name, initial=states[0], edges=edges, open_states=open_states)


def registers() -> tuple[Any, ...]:
    """Every register's spec in a stable order (`vats.registers.specs`)."""
    from vats.registers import specs

    return specs()
