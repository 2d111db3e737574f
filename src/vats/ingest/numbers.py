"""The grammar of licence numbers and ICP numbers: strict `parse`, and `find` for messy text and HTML.

Three families are read (regulations.md §3.1):

* VATS licence numbers: ``渝B2-20210467``, ``A2.B1.B2-20090001`` (no prefix: MIIT, cross-regional),
  ``合字B2-20170010`` (foreign-invested), ``黔B2-20010020-102`` (site suffix), legacy ``粤A2-20044005``
  and ``辽B-2-4-20080039``;
* ICP licence certificates: ``京ICP证030173号`` (YY + 4-digit serial);
* ICP filings: ``京ICP备11041704号-15`` (8 digits, YY + 6) and ``陇ICP备2024012699号-3`` (10 digits,
  YYYY + 6), with app ``A`` / mini-program ``X`` suffixes (``-2A``).

The numbering scheme is not published by MIIT; the year/serial split is read off real examples and
the year window (`MIN_YEAR`..`MAX_YEAR`) is a plausibility bound, not a legal rule.

`find` is built for web pages: one precompiled pass looks for cheap anchors ("ICP", "B2-", …) and
only the few hundred characters around each anchor are cleaned (tags dropped, entities decoded,
full-width folded) with an offset map, so every hit's span points into the ORIGINAL input.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache

from vats.model.errors import InputError
from vats.model.numbers import FilingTarget, Found, LicenceNumber, NumberKind
from vats.reference.regions import MIIT, by_filing_char, by_licence_char, number_chars

__all__ = ["MAX_YEAR", "MIN_YEAR", "Found", "NumberError", "find", "normalise", "parse"]

MIN_YEAR = 1990
MAX_YEAR = 2050
_CLASS_ORDER = ("A1", "A2", "B1", "B2")


class NumberError(InputError):
    """A string is not a well-formed licence or ICP number; the message says what is wrong."""


# --- character folding (1:1, so offsets survive) -----------------------------------------------------


def _fold_table() -> dict[int, str]:
    table = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII
    for cp in (0x3000, 0x00A0, 0x200B, 0xFEFF, *range(0x2000, 0x200B), 0x202F, 0x205F):
        table[cp] = " "
    for ch in "\t\n\r\f\v":
        table[ord(ch)] = " "
    for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63":
        table[ord(ch)] = "-"
    table.update({ord("備"): "备", ord("證"): "证", ord("號"): "号", ord("。"): "."})
    return table


_FOLD = _fold_table()


def normalise(text: str) -> str:
    """Fold full-width characters, dash variants and traditional 備/證/號; drop all whitespace."""
    return "".join(text.translate(_FOLD).split())


# --- the grammar ---------------------------------------------------------------------------------------


def _grammar(region: str, *, loose: bool) -> str:
    """One regex source for both number families. `loose` widens the slots parse() diagnoses."""
    s = " *"
    digits = r"\d+"
    suffix = r"[0-9A-Za-z]+" if loose else r"\d+"
    filing_suffix = r"[0-9A-Za-z]+" if loose else r"\d+[AaXx]?"
    icp_region = f"(?P<irc>{region})?" if loose else f"(?P<irc>{region})"
    vats = (
        rf"(?:(?P<vrc>{region}){s}|(?<![0-9A-Za-z.\-]))"
        rf"(?P<he>合{s}字{s})?"
        rf"(?P<cls>[AB][12](?:\.[AB][12])*|B-2-\d{{1,2}})"
        rf"{s}-{s}(?P<vd>{digits})(?:-(?P<vs>{suffix}))?(?![0-9A-Za-z])"
        rf"(?:{s}(?P<vh>号))?"
    )
    icp = (
        rf"{icp_region}{s}[Ii][Cc][Pp]{s}(?P<ik>[证备]){s}(?:字{s})?(?:第{s})?(?P<id>{digits})"
        rf"(?![0-9A-Za-z])(?:{s}(?P<ih>号))?(?:{s}-(?P<is>{filing_suffix})(?![0-9A-Za-z]))?"
    )
    return f"(?:{vats})|(?:{icp})"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    chars = "".join(sorted(number_chars()))
    strict = re.compile(_grammar(f"[{re.escape(chars)}]", loose=False))
    loose = re.compile(_grammar(r"[^\d.\-\s]", loose=True))
    return strict, loose


def _year_of(two_or_four: str) -> int:
    """Two-digit years (ICP证, 8-digit filings) pivot at 50: 03 -> 2003, 99 -> 1999."""
    value = int(two_or_four)
    if len(two_or_four) == 2:
        return 2000 + value if value <= 50 else 1900 + value
    return value


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise NumberError(f"year {year} out of range ({MIN_YEAR}–{MAX_YEAR})", field="number")


def _classes(text: str) -> tuple[tuple[str, ...], bool]:
    """('B1', 'B2') and whether the form is legacy (辽B-2-4 style, or basic-telecom classes only)."""
    if text.startswith("B-"):
        return (text,), True
    parts = tuple(text.split("."))
    if len(set(parts)) != len(parts):
        raise NumberError(f"class list {text!r} repeats a class", field="number")
    if list(parts) != sorted(parts, key=_CLASS_ORDER.index):
        raise NumberError(f"class list {text!r} is out of order (expected A1.A2.B1.B2 order)", field="number")
    return parts, not any(p.startswith("B") for p in parts)


def _from_match(m: re.Match[str]) -> LicenceNumber:
    """Validate a grammar match and build the value; raises `NumberError` saying what is wrong."""
    if m.group("cls") is not None:
        return _vats(m)
    return _icp(m)


def _region_for_licence(char: str) -> tuple[str, str, str, tuple[str, ...]]:
    region = by_licence_char(char) or by_filing_char(char)
    if region is None:
        raise NumberError(f"unknown region character {char!r}", field="number")
    notes: tuple[str, ...] = ()
    if char != region.licence_char:
        notes = (
            f"{char} 用作许可证号前缀的可信度低（通常为 {region.licence_char}）/ "
            f"{char} as a licence prefix is a low-confidence variant of {region.licence_char}",
        )
    elif region.licence_evidence == "unconfirmed":
        notes = (f"{region.name}许可证号前缀未经证实 / the {region.name_en} licence prefix is UNCONFIRMED",)
    return region.code, region.name, region.authority, notes


def _vats(m: re.Match[str]) -> LicenceNumber:
    classes, legacy = _classes(m.group("cls"))
    digits = m.group("vd")
    if len(digits) != 8:
        raise NumberError(
            f"serial must be 4 digits after the 4-digit year (got {len(digits)} digits: {digits})",
            field="number",
        )
    year = int(digits[:4])
    _check_year(year)
    suffix = m.group("vs")
    if suffix is not None and not (suffix.isdigit() and len(suffix) <= 4):
        raise NumberError(f"site suffix must be 1–4 digits, got {suffix!r}", field="number")
    char = m.group("vrc")
    foreign = m.group("he") is not None
    code = name = None
    authority = MIIT
    notes: tuple[str, ...] = ()
    if char is not None:
        code, name, authority, notes = _region_for_licence(char)
    canonical = f"{char or ''}{'合字' if foreign else ''}{'.'.join(classes)}-{digits}"
    if suffix is not None:
        canonical += f"-{suffix}"
    return LicenceNumber(
        kind=NumberKind.VATS_LICENCE,
        canonical=canonical,
        region_char=char,
        region=code,
        region_name=name,
        classes=classes,
        foreign_invested=foreign,
        year=year,
        serial=digits[4:],
        site_suffix=suffix,
        filing_target=None,
        cross_regional=char is None,
        issuer=authority,
        legacy=legacy,
        notes=notes,
    )


def _icp(m: re.Match[str]) -> LicenceNumber:
    char = m.group("irc")
    if char is None:
        raise NumberError("ICP numbers need a region character (e.g. 京ICP备…)", field="number")
    region = by_filing_char(char) or by_licence_char(char)
    if region is None:
        raise NumberError(f"unknown region character {char!r}", field="number")
    notes: tuple[str, ...] = ()
    if char != region.filing_char:
        notes = (
            f"{region.name}的备案号前缀通常为 {region.filing_char} / "
            f"filings from {region.name_en} usually use {region.filing_char}",
        )
    digits = m.group("id")
    licence = m.group("ik") == "证"
    suffix = m.group("is")
    if licence:
        if len(digits) != 6:
            raise NumberError(
                f"ICP licence certificate number must have 6 digits (YY + 4-digit serial), got {len(digits)}",
                field="number",
            )
        year, serial = _year_of(digits[:2]), digits[2:]
        target = None
    else:
        if len(digits) not in (8, 10):
            raise NumberError(
                f"ICP filing number must have 8 (YY+6) or 10 (YYYY+6) digits, got {len(digits)}",
                field="number",
            )
        year, serial = _year_of(digits[:-6]), digits[-6:]
        target = None
    _check_year(year)
    if suffix is not None:
        sm = re.fullmatch(r"(\d{1,4})([AaXx]?)", suffix)
        if sm is None or (licence and sm.group(2)):
            raise NumberError(
                f"site suffix must be 1–4 digits (filings: optional A or X), got {suffix!r}", field="number"
            )
        suffix = sm.group(1) + sm.group(2).upper()
        if not licence:
            letter = sm.group(2).upper()
            target = {"A": FilingTarget.APP, "X": FilingTarget.MINI_PROGRAM}.get(letter, FilingTarget.WEBSITE)
    kind = NumberKind.ICP_LICENCE if licence else NumberKind.ICP_FILING
    canonical = f"{char}ICP{'证' if licence else '备'}{digits}号" + (f"-{suffix}" if suffix else "")
    return LicenceNumber(
        kind=kind,
        canonical=canonical,
        region_char=char,
        region=region.code,
        region_name=region.name,
        classes=(),
        foreign_invested=False,
        year=year,
        serial=serial,
        site_suffix=suffix,
        filing_target=target,
        cross_regional=False,
        issuer=region.authority,
        legacy=licence or len(digits) == 8,
        notes=notes,
    )


_ICP_DECORATION = re.compile(r"^[Ii][Cc][Pp]证(?=合字|[AB][12])")


def parse(text: str) -> LicenceNumber:
    """Parse one number strictly; full-width characters and spaces inside are accepted.

    Raises `NumberError` (exit code 2) naming the problem: unknown region character, year out of
    range, wrong digit count, malformed suffix, or simply not a number.
    """
    compact = _ICP_DECORATION.sub("", normalise(text))
    strict, loose = _patterns()
    m = strict.fullmatch(compact)
    if m is not None:
        return _from_match(m)
    m = loose.fullmatch(compact)
    if m is not None:
        _from_match(m)  # raises the specific error
    raise NumberError(
        f"not a licence or ICP number: {text!r} "
        "(expected e.g. 渝B2-20210467, B2-20090059, 京ICP证030173号, 京ICP备11041704号-15)",
        field="number",
    )


# --- find: anchors, windows, offset-mapped cleaning --------------------------------------------------

# Every number contains one of these; they are rare enough in ordinary HTML (base64 and hex colours
# lack the following "-"/"."), so the whole document costs one C-level regex scan.
_ANCHOR = re.compile(r"[Ii][Cc][Pp]|ＩＣＰ|ｉｃｐ|[ABＡＢ][12１２](?=[.\-．－\u2010-\u2015\ufe63\s&<])|B-2-")
_BACK, _AHEAD = 160, 240  # raw characters kept before the first / after the last anchor of a cluster
_TAG_REACH = 4096  # how far back a window start looks for the `<` of a tag it may have cut
_MARKUP = re.compile(
    r"<!--.*?-->|<(?:/?[A-Za-z][^<>]*|![^<>]*)>|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?",
    re.S,
)
# Tags that do not break a word: their removal must not separate characters of a number.
_INLINE_TAGS = (
    "a abbr b bdi bdo big code del em font i ins kbd label mark q s samp small span strong sub sup tt u"
)
_INLINE = frozenset(f"{_INLINE_TAGS} var wbr".split())
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
# Captions printed before a number; matched only when they end right where the value starts.
_LABEL = re.compile(
    r"(?:(?:跨地区)?(?:增值)?电信(?:与信息服务)?业务经营许可证|(?:ICP)?经营许可证|ICP(?:许可)?证"
    r"|ICP备案|(?:网站)?备案|许可证)(?:编号|号码|号)?$",
    re.I,
)
_QUALIFIER = re.compile(r" *\( *(全网) *\)")


def _replacement(token: str) -> str:
    """What a tag, comment or entity stands for in the cleaned text."""
    if token.startswith("&"):
        return html.unescape(token)  # unknown entities come back unchanged
    if token.startswith("<!--"):
        return ""
    name = _TAG_NAME.match(token)
    return "" if name is not None and name.group(1).lower() in _INLINE else " "


@dataclass(frozen=True, slots=True)
class _Cleaned:
    """Markup-free, folded text of a window and a segment map back to the original string.

    Memory grows with the number of tags and entities, not characters: a plain-text run maps
    linearly, and every character a tag or entity produced maps to that whole token.
    """

    text: str
    clean_starts: list[int]  # where each segment starts in `text`
    orig_starts: list[int]  # where it starts in the original
    orig_ends: list[int | None]  # token end for replacements; None for linear text runs

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Original (start, end) of cleaned characters first..last inclusive."""
        return self._start(first), self._end(last)

    def _segment(self, i: int) -> int:
        return bisect_right(self.clean_starts, i) - 1

    def _start(self, i: int) -> int:
        k = self._segment(i)
        end = self.orig_ends[k]
        return self.orig_starts[k] + (i - self.clean_starts[k]) if end is None else self.orig_starts[k]

    def _end(self, i: int) -> int:
        k = self._segment(i)
        end = self.orig_ends[k]
        return self.orig_starts[k] + (i - self.clean_starts[k]) + 1 if end is None else end


def _clean(text: str, lo: int, hi: int) -> _Cleaned:
    """Drop tags, decode entities and fold text[lo:hi], remembering where every piece came from."""
    parts: list[str] = []
    clean_starts: list[int] = []
    orig_starts: list[int] = []
    orig_ends: list[int | None] = []
    size = 0
    pos = lo

    def add(piece: str, start: int, end: int | None) -> None:
        nonlocal size
        if piece:
            parts.append(piece)
            clean_starts.append(size)
            orig_starts.append(start)
            orig_ends.append(end)
            size += len(piece)

    for m in _MARKUP.finditer(text, lo, hi):
        add(text[pos : m.start()], pos, None)
        add(_replacement(m.group(0)), m.start(), m.end())
        pos = m.end()
    add(text[pos:hi], pos, None)
    return _Cleaned("".join(parts).translate(_FOLD), clean_starts, orig_starts, orig_ends)


def _window_start(text: str, lo: int) -> int:
    """Move a window start that falls inside a tag back to the tag's `<`, so attribute values
    (alt, title, href) are stripped with their tag instead of leaking into the text."""
    reach = max(0, lo - _TAG_REACH)
    lt = text.rfind("<", reach, lo)
    return lt if lt > text.rfind(">", reach, lo) else lo


def _clusters(text: str) -> list[tuple[int, int]]:
    """Windows around anchors, merged when they would overlap."""
    windows: list[tuple[int, int]] = []
    for m in _ANCHOR.finditer(text):
        lo, hi = max(0, m.start() - _BACK), min(len(text), m.end() + _AHEAD)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((_window_start(text, lo), hi))
    return windows


_LABEL_LAST = frozenset("证号码案")  # every label ends in one of these: skip the regex otherwise


def _label_before(cleaned: str, at: int) -> str | None:
    head = cleaned[max(0, at - 40) : at].rstrip(" :")
    if not head or head[-1] not in _LABEL_LAST:
        return None
    m = _LABEL.search(head)
    return m.group(0) if m else None


@lru_cache(maxsize=4096)
def _number_for(matched: str) -> LicenceNumber | None:
    """The validated number for a matched candidate (cached: pages repeat the same footer numbers)."""
    m = _patterns()[0].fullmatch(" ".join(matched.split()))
    if m is None:  # pragma: no cover - the text was matched by the same grammar
        return None
    try:
        return _from_match(m)
    except NumberError:
        return None


def find(text: str) -> list[Found]:
    """Every licence / ICP number in `text` (plain text or raw HTML), in order of appearance.

    Spans index the original string; numbers glued to a longer alphanumeric token are ignored, and
    candidates that fail validation (bad year, wrong digit count) are skipped rather than reported.
    Tags and entities may sit anywhere in a number except inside the anchor tokens themselves
    ("ICP", "B2", "A1" …): "I<b>CP" is not seen, which keeps the whole-document pass a single regex.
    """
    strict, _ = _patterns()
    hits: list[Found] = []
    for lo, hi in _clusters(text):
        window = _clean(text, lo, hi)
        cleaned = window.text
        for m in strict.finditer(cleaned):
            number = _number_for(m.group(0))
            if number is None:
                continue
            first, last = m.start(), m.end() - 1
            while cleaned[first] == " ":
                first += 1
            start, end = window.span(first, last)
            qualifier = _QUALIFIER.match(cleaned, m.end())
            hits.append(
                Found(
                    kind=number.kind,
                    canonical=number.canonical,
                    number=number,
                    start=start,
                    end=end,
                    label=_label_before(cleaned, first),
                    raw=text[start:end],
                    qualifier=qualifier.group(1) if qualifier else None,
                )
            )
    return hits
