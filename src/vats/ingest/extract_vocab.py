"""The printed vocabulary of a licence: field labels, section headings, boilerplate, page furniture.

One place for every pattern that recognises a *kind of line*, shared by the normaliser (which must
know where a new line starts to re-join broken ones), the extractor and the renderer (which must
not produce text the parser would misread). All patterns run on normalised text: half-width
punctuation, no stray spaces next to Chinese characters.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NamedTuple


class Field(StrEnum):
    """What a labelled line (`标签:值`) carries."""

    NUMBER = "number"
    COMPANY = "company"
    LEGAL_REP = "legal_representative"
    ISSUER = "issuer"
    ISSUE_DATE = "issue_date"
    EXPIRY_DATE = "expiry_date"
    SERVICE = "service"  # 业务种类: (ICP certificates, cross-regional main pages)
    COVERAGE = "coverage"
    SERVICE_ITEMS = "service_items"  # 服务项目: (old ICP certificates)
    SITE_NAME = "site_name"
    SITE_DOMAIN = "site_domain"
    APP_NAME = "app_name"
    APP_DOMAIN = "app_domain"
    SERVER = "server_location"
    ACCESS = "access_providers"
    APP_STORES = "app_stores"
    UNMODELLED = "unmodelled"  # printed on some licences, not part of the model: reported as a warning


# Printed label -> field. Longer labels win (the alternation is sorted by length).
LABELS: dict[str, Field] = {
    "经营许可证编号": Field.NUMBER,
    "许可证编号": Field.NUMBER,
    "证书编号": Field.NUMBER,
    "公司名称": Field.COMPANY,
    "经营者名称": Field.COMPANY,
    "单位名称": Field.COMPANY,
    "法定代表人": Field.LEGAL_REP,
    "发证机关(盖章)": Field.ISSUER,
    "发证机关": Field.ISSUER,
    "发证日期": Field.ISSUE_DATE,
    "有效期至": Field.EXPIRY_DATE,
    "有效期限至": Field.EXPIRY_DATE,
    "业务种类": Field.SERVICE,
    "业务覆盖范围": Field.COVERAGE,
    "业务覆盖范围(服务项目)": Field.COVERAGE,
    "覆盖范围": Field.COVERAGE,
    "服务项目": Field.SERVICE_ITEMS,
    "网站名称": Field.SITE_NAME,
    "网站域名": Field.SITE_DOMAIN,
    "网址": Field.SITE_DOMAIN,
    "APP名称": Field.APP_NAME,
    "应用名称": Field.APP_NAME,
    "APP域名": Field.APP_DOMAIN,
    "服务器放置地址": Field.SERVER,
    "服务器放置地": Field.SERVER,
    "APP服务器放置地址": Field.SERVER,
    "APP服务器放置地": Field.SERVER,
    "网站接入服务提供单位": Field.ACCESS,
    "接入服务提供单位": Field.ACCESS,
    "APP接入服务提供单位": Field.APP_STORES,
    "APP上架应用商店": Field.APP_STORES,
    "应用商店": Field.APP_STORES,
    "注册资本": Field.UNMODELLED,
    "注册地址": Field.UNMODELLED,
    "注册住所": Field.UNMODELLED,
}

_LABEL_KEYS = {k.casefold(): v for k, v in LABELS.items()}
# A label is looked up in a dict rather than matched by a regex alternation of every label:
# the alternation costs milliseconds to compile at start-up and is slower per line.
_LABEL_CANDIDATE = re.compile(r"([^:]{1,16}):")


class Label(NamedTuple):
    """A labelled line `标签:值` with a known label (a tuple: built for every labelled line)."""

    field: Field
    label: str  # as printed (after normalisation), e.g. APP名称
    value: str  # stripped; may be empty (发证机关(盖章): left blank for a seal)


def match_label(line: str) -> Label | None:
    """The known label a line starts with, or None (labels match case-insensitively: App名称)."""
    match = _LABEL_CANDIDATE.match(line)
    if match is None:
        return None
    field = _LABEL_KEYS.get(match[1].casefold())
    return None if field is None else Label(field, match[1], line[match.end() :].strip())


#: Chinese numerals 一 … 九十九 as articles and items are numbered (十三, 二十一); nothing looser,
#: so a garbled `三一、` is reported as unplaced text instead of becoming article 31.
CN_NUMERAL = "(?:[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
ARTICLE_LINE = re.compile(rf"^(?P<num>{CN_NUMERAL})、(?P<text>.*)$")
ITEM_LINE = re.compile(rf"^\((?P<num>{CN_NUMERAL})\)(?:\(适用于(?P<applies>[^()]*)\))?(?P<text>.*)$")
#: A business-type line of the appendix: `信息服务业务(仅限…)不含…。【…】`.
SERVICE_LINE = re.compile(
    r"^(?:第[一二]类增值电信业务中的)?(?P<name>[\u4e00-\u9fff]{2,30}?业务)(?P<rest>(?:[(【,;。]|不含|含|$).*)$"
)
SERVICES_HEADING = re.compile(r"^(?P<company>.*?)获准经营的业务种类.*$")
SITES_HEADING = re.compile(r"^(?P<company>.+?)获准经营(?P<service>.+?)相关信息$")
PROVISIONS_HEADING = re.compile(r"^特别规定事项$")
PROVISIONS_PREAMBLE = re.compile(r"^《特别规定事项》")
COPY_RESTRICTION = re.compile(r"^(?:仅供.*|.*再次复印无效)$")
TITLE_LINE = re.compile(
    r"^(?:中华人民共和国)?(?P<title>跨地区增值电信业务经营许可证|增值电信业务经营许可证|电信与信息服务业务经营许可证)$"
)
#: Printed on every licence, carries nothing the model keeps.
BOILERPLATE = re.compile(
    r"^(?:根据《中华人民共和国电信条例》|业务种类见附页|\(?正文和附件\)?$|\(?服务项目\)?$|及覆盖范围;?$"
    r"|业务种类(?:服务项目)?(?:业务)?覆盖范围$)"  # the last: column headings of a table layout
)

_OTHER_STARTERS = re.compile(
    "|".join(
        re.sub(r"\?P<\w+>", "", p.pattern)
        for p in (
            ARTICLE_LINE,
            ITEM_LINE,
            SERVICES_HEADING,
            SITES_HEADING,
            PROVISIONS_HEADING,
            PROVISIONS_PREAMBLE,
            TITLE_LINE,
            BOILERPLATE,
            SERVICE_LINE,
        )
    )
    + r"|^仅供|^再次复印无效"
)


def is_starter(line: str) -> bool:
    """True for lines that start something new: a broken line is never glued onto one of these."""
    match = _LABEL_CANDIDATE.match(line)
    if match is not None and match[1].casefold() in _LABEL_KEYS:
        return True
    return _OTHER_STARTERS.match(line) is not None


# Page furniture. NUMBER_HEADER and the title repeat on every page: the first is content, the
# rest are dropped. PAGE_MARK lines (附页, page numbers) are always dropped.
NUMBER_HEADER = re.compile(r"^(?:经营)?许可证编号:")
PAGE_MARK = re.compile(
    r"^(?:\(附页\)|附页|第\d+页(?:[,/]?共\d+页)?|共\d+页第\d+页"
    r"|- ?\d+ ?-|\d+ ?/ ?\d+|page ?\d+(?: ?of ?\d+)?)$",
    re.IGNORECASE,
)

#: Line endings that close a sentence: the next line is never a continuation of such a line.
CLOSERS = frozenset("。;】!?")
