"""Audit log entities and actions have Chinese labels: every audited table, every action the log writes."""

from __future__ import annotations

from vats.report.labels import AUDIT_ACTIONS, AUDIT_ENTITIES, audit_label
from vats.store.auditrows import audited_models


def test_every_audited_table_has_a_label() -> None:
    missing = sorted(set(audited_models()) - set(AUDIT_ENTITIES))
    assert missing == []
    for code, (zh, en) in AUDIT_ENTITIES.items():
        assert zh and en and not zh.isascii(), code


def test_actions_read_in_chinese_and_unknown_codes_stay_visible() -> None:
    assert audit_label(AUDIT_ACTIONS, "insert") == "新增"
    assert audit_label(AUDIT_ACTIONS, "bulk_insert", "en") == "bulk import"
    assert audit_label(AUDIT_ENTITIES, "licences") == "许可证"
    assert audit_label(AUDIT_ACTIONS, "teleport") == "teleport"
