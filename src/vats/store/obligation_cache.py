"""Persisted obligation facts per licence (a materialised view of the rules engine), for `vats status`.

Derived data, so not audited: it can always be rebuilt from licences and events. One row per
obligation holds the facts that do not change with the evaluation date (due date, completion,
lateness, terminal status) — except undated standing duties without a stored status, which no list
shows: they are only counted (`obligation_cache_state.standing`, and the tally), which keeps a cold
refresh from writing two rows in three for nothing. The time-dependent status (overdue / due soon /
upcoming) is derived in SQL from the due date at query time, exactly as the engine derives it
(`vats.rules.status.status_on`).

`obligation_cache_state` records, per licence, what the rows were computed from (the licence record's
version and revision) and the span of evaluation dates they stay valid for; `obligation_cache_meta`
holds the highest event id already taken into account (events are append-only, so newer ids are
exactly the new events) and a summary of the state rows, so a warm status reads no table scan to know
nothing is stale. `obligation_cache_tally` counts the rows per (stored status, due date, late): the
status counts read a few hundred tally rows instead of millions of obligations.

The top-N lists of `vats status` are index-ordered scans that stop after N rows: the indexes carry
every ORDER BY column (ties included), `subject` is stored as '' when the obligation has none (a
NULL would sort first on SQLite and last on PostgreSQL), and on PostgreSQL the tie columns use the
"C" collation — code-point order, as Python sorts strings and SQLite's BINARY collation does.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from vats.store.base import Base


def code_point(type_: String) -> TypeEngine[str]:
    """`type_`, with the "C" collation on PostgreSQL (SQLite's default BINARY is already code points)."""
    collated = type(type_)(length=type_.length, collation="C")
    return type_.with_variant(collated, "postgresql")


class CachedObligation(Base):
    """One obligation of one licence as the engine computed it (status-independent facts)."""

    __tablename__ = "obligation_cache"
    __table_args__ = (
        # the urgent list: overdue / due soon in due-date order with its ties, read in index order
        Index("ix_obligation_cache_urgency", "fixed_status", "due_date", "licence", "rule_id", "subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    licence: Mapped[str] = mapped_column(code_point(String(64)), index=True)
    rule_id: Mapped[str] = mapped_column(code_point(String(100)))
    subject: Mapped[str] = mapped_column(code_point(Text()), default="")  # '' = none
    kind: Mapped[str] = mapped_column(String(16))
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    window_start: Mapped[date | None] = mapped_column(Date, default=None)
    completed_on: Mapped[date | None] = mapped_column(Date, default=None)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    conditional: Mapped[str | None] = mapped_column(Text, default=None)
    # satisfied / waived / not_applicable, or a status the engine forced (a failed site check is
    # overdue on its own date); NULL = derive overdue / due_soon / upcoming from due_date in SQL
    fixed_status: Mapped[str | None] = mapped_column(String(16), default=None)
    computed_for: Mapped[date] = mapped_column(Date)
    # the obligation's stable id (`vats.model.obligation_ids`): a page about one obligation finds its
    # licence here and evaluates that licence alone
    ident: Mapped[str] = mapped_column(String(24), default="", server_default="", index=True)


class ObligationCacheState(Base):
    """Per licence: what its cached rows were computed from and for which evaluation dates they hold."""

    __tablename__ = "obligation_cache_state"

    number: Mapped[str] = mapped_column(String(64), primary_key=True)
    base: Mapped[str] = mapped_column(String(64), index=True)  # events may name the base number
    licence_version: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    computed_for: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    dirty: Mapped[bool] = mapped_column(Boolean, default=False)
    # undated standing duties without a stored status: counted here and in the tally, not stored
    # as rows (never listed, only counted; most of a licence's obligations)
    standing: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # how many of `standing` are continuous duties (controls): lists show dated duties and controls apart
    standing_controls: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ObligationCacheMeta(Base):
    """Small key/value counters of the cache (the event-id watermark)."""

    __tablename__ = "obligation_cache_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


# the late-completion list: most recent completion first, ties in ascending order, read in index order
Index(
    "ix_obligation_cache_recent",
    CachedObligation.late,
    CachedObligation.completed_on.desc(),
    CachedObligation.licence,
    CachedObligation.rule_id,
    CachedObligation.subject,
)


class ObligationCacheTally(Base):
    """How many cached obligations share (stored status, due date, late): the status counts.

    Kept in step with `obligation_cache` by the refresh (the rows it removes are subtracted, the rows
    it writes added); a few hundred rows however large the portfolio, so `vats status` counts
    obligations without reading them.
    """

    __tablename__ = "obligation_cache_tally"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fixed_status: Mapped[str | None] = mapped_column(String(16), default=None)
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    n: Mapped[int] = mapped_column(Integer)
