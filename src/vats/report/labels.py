"""Bilingual labels the compliance report shares between its HTML/PDF and XLSX renderings.

A module of its own so both renderers read one copy without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from vats.model.sources import SourceRef
from vats.rules.horizon import renewal_days_before

VALIDITY_TEXT = {
    "valid": ("有效", "valid"),
    "expiring": ("即将到期（{days} 天内）", "expiring within {days} days"),
    "expired": ("已过期", "expired"),
    "unknown": ("未读出有效期", "expiry not read"),
}


def validity_text() -> dict[str, tuple[str, str]]:
    """`VALIDITY_TEXT` with the renewal horizon written in, so the label says what "expiring" means."""
    days = renewal_days_before()
    return {key: (zh.format(days=days), en.format(days=days)) for key, (zh, en) in VALIDITY_TEXT.items()}


def source_labels(refs: Sequence[SourceRef]) -> list[str]:
    """`Order 42 art. 27（转载 reprint）`: each citation with its reliability mark."""
    return [f"{r.label()}（{r.reliability.zh} {r.reliability.value}）" for r in refs]


# Audit log entries name a table and what happened to its row; readers see these labels, never the
# codes (the web's audit page, the API's `entity_zh` / `action_zh`). A test checks every audited table
# has one, so a new table cannot show up unlabelled.
AUDIT_ENTITIES: dict[str, tuple[str, str]] = {
    "actors": ("用户", "user"),
    "api_tokens": ("API 令牌", "API token"),
    "assessments": ("安全评估", "assessment"),
    "attachments": ("附件", "attachment"),
    "audit_log": ("审计日志", "audit log"),
    "background_jobs": ("后台任务", "background job"),
    "calendar_feeds": ("日历订阅", "calendar feed"),
    "complaints": ("用户投诉", "complaint"),
    "corporate_changes": ("主体变更", "corporate change"),
    "counterparties": ("交易方", "counterparty"),
    "default_owners": ("默认负责人", "default owner"),
    "disposal_cases": ("违法信息处置", "disposal case"),
    "dossier_attachments": ("申请材料文件", "dossier file"),
    "dossiers": ("申请材料包", "application dossier"),
    "events": ("事件", "event"),
    "filings": ("报送记录", "filing"),
    "incidents": ("网络安全事件", "incident"),
    "inventory_items": ("网站与应用清单", "inventory item"),
    "licence_copies": ("许可证复印件", "licence copy"),
    "licence_revisions": ("许可证修订", "licence revision"),
    "licences": ("许可证", "licence"),
    "list_findings": ("名单命中", "list finding"),
    "obligation_actions": ("义务处理记录", "obligation action"),
    "obligation_evidence": ("义务证据", "obligation evidence"),
    "obligation_owners": ("义务负责人", "obligation owner"),
    "org_grants": ("组织授权", "organisation grant"),
    "organisation_profiles": ("组织档案", "organisation profile"),
    "organisations": ("组织", "organisation"),
    "regulator_list_entries": ("监管名单条目", "regulator list entry"),
    "regulator_lists": ("监管名单", "regulator list"),
    "reminder_channels": ("提醒渠道", "reminder channel"),
    "reminder_settings": ("提醒设置", "reminder settings"),
    "scan_fields": ("扫描件字段核对", "scan field review"),
    "scan_files": ("扫描原件", "scan file"),
    "scan_uploads": ("待核对扫描件", "staged scan"),
    "waiver_requests": ("豁免申请", "waiver request"),
    "web_sessions": ("登录会话", "web session"),
    "workpacks": ("年报工作包", "annual report workpack"),
}
AUDIT_ACTIONS: dict[str, tuple[str, str]] = {
    "insert": ("新增", "created"),
    "update": ("修改", "changed"),
    "delete": ("删除", "deleted"),
    "bulk_insert": ("批量导入", "bulk import"),
    "archive": ("归档", "archived"),
}


# Media types of stored originals (scans, photos, e-licences), named as a reader knows them; an
# unknown type is shown as its code.
MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "application/pdf": ("PDF 文件", "PDF file"),
    "application/ofd": ("OFD 电子文件", "OFD file"),
    "image/png": ("PNG 图片", "PNG image"),
    "image/jpeg": ("JPEG 图片", "JPEG image"),
    "image/tiff": ("TIFF 图片", "TIFF image"),
    "image/webp": ("WebP 图片", "WebP image"),
    "image/heic": ("HEIC 图片", "HEIC image"),
    "image/gif": ("GIF 图片", "GIF image"),
    "image/bmp": ("BMP 图片", "BMP image"),
    "image/*": ("图片", "image"),
    "text/plain": ("文本文件", "text file"),
    "application/octet-stream": ("未知类型文件", "file of unknown type"),
}


def audit_label(table: dict[str, tuple[str, str]], code: str, lang: str = "zh") -> str:
    """The label of a code in one of these tables (the code itself if unknown, e.g. an old entry)."""
    found = table.get(code)
    if found is None:
        return code
    return found[1] if lang == "en" else found[0]
