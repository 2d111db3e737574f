"""The portfolio order: overdue first, then by due date, undated last; ties by licence, rule, subject."""

from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import Any

from vats.model.obligations import Obligation, ObligationStatus


def sort_key(o: Obligation) -> tuple[Any, ...]:
    return (
        o.status is not ObligationStatus.OVERDUE,
        o.due_date or date.max,
        o.licence,
        o.rule_id,
        o.subject or "",
    )


class Ordering:
    """The portfolio order (overdue first, then by due date, undated last; ties by licence, rule and
    subject), built licence by licence.

    Licences are evaluated in number order and each licence's obligations are filed already ordered by
    rule and subject (a sort of a dozen items), so the lists come out ordered by licence, rule and
    subject, and one stable sort by due date finishes the job. That is far cheaper than sorting
    ~250,000 obligations by a four-part key: the comparisons, and the memory traffic of reading every
    obligation again, were a tenth of an evaluation. Copies with the same number are filed together.
    """

    def __init__(self) -> None:
        self.overdue: list[Obligation] = []
        self.dated: list[Obligation] = []
        self.undated: list[Obligation] = []  # the caller appends duties known to be undated directly
        self.mixed = False  # a None subject beside a text one somewhere: the slower key is needed

    def file(self, made: list[Obligation], first_undated: int, *, single: bool = True) -> None:
        """File one licence number's obligations; `undated[first_undated:]` are the duties added
        directly, in rule order unless the number came more than once (not `single`)."""
        undated = self.undated
        standing_end = len(undated) if single else first_undated
        overdue: list[Obligation] = []
        dated: list[Obligation] = []
        is_overdue = ObligationStatus.OVERDUE
        for o in made:
            if o.status is is_overdue:
                overdue.append(o)
            elif o.due_date is None:
                undated.append(o)
            else:
                dated.append(o)
        if overdue:
            self.overdue.extend(self._by_rule(overdue))
        if dated:
            self.dated.extend(self._by_rule(dated))
        if len(undated) > standing_end and len(undated) - first_undated > 1:
            undated[first_undated:] = self._by_rule(undated[first_undated:])

    def _by_rule(self, share: list[Obligation]) -> list[Obligation]:
        try:  # C-speed key; subjects are never mixed None/str within one licence and rule in practice
            share.sort(key=_BY_RULE)
        except TypeError:
            self.mixed = True
        return share

    def result(self) -> tuple[list[Obligation], list[Obligation]]:
        """Every obligation in portfolio order, and the dated ones (overdue included) in that order:
        an undated duty is never overdue or late, so only those can imply a finding (a control never
        attested is due now, undated; the control list shows it, not the findings)."""
        if not self.mixed:
            by_due = attrgetter("due_date")
            try:  # stable: ties stay in licence, rule, subject order
                self.overdue.sort(key=by_due)
                self.dated.sort(key=by_due)
                dated = self.overdue + self.dated
                return dated + self.undated, dated
            except TypeError:  # an overdue duty without a date (the engine makes none)
                pass
        everything = self.overdue + self.dated + self.undated
        everything.sort(key=sort_key)
        return everything, everything


_BY_RULE = attrgetter("rule_id", "subject")
