"""Turn a homepage's bytes into text a person would see, remembering where each piece of text was.

Decoding follows the browser's order: the HTTP header charset, then `<meta charset>` or the
http-equiv Content-Type, then detection (charset-normalizer) — Chinese sites are still often GBK.
Extraction uses the stdlib HTML parser (never regular expressions over markup): scripts, styles,
templates and noscript are skipped; text inside hidden elements and image alt text are kept apart,
because a number only a screen reader or a crawler can see is not "displayed" (Order 292 art. 12).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# GB2312 and GBK pages routinely contain characters outside those sets; browsers decode them as GB18030.
CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
META_SCAN_BYTES = 4096
_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META_RE = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)

SKIPPED = frozenset({"script", "style", "template", "noscript", "title", "svg"})
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
BLOCK = frozenset(
    {"p", "div", "br", "li", "tr", "td", "th", "section", "footer", "header", "h1", "h2", "h3", "h4", "h5",
     "h6", "ul", "ol", "table", "article", "aside", "nav", "main", "dd", "dt", "hr", "center"}
)  # fmt: skip
FOOTER_MARKERS = ("footer", "foot", "bottom", "copyright")
FOOTER_TAIL_FRACTION = 0.2  # text in the last fifth of the page counts as footer for sites without markup


def charset_from_header(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    match = _CHARSET_RE.search(content_type.encode("latin-1", "replace"))
    return match.group(1).decode("ascii").lower() if match else None


def charset_from_meta(body: bytes) -> str | None:
    """`<meta charset=…>` or `<meta http-equiv="Content-Type" content="…; charset=…">` near the top."""
    for meta in _META_RE.finditer(body[:META_SCAN_BYTES]):
        match = _CHARSET_RE.search(meta.group(0))
        if match:
            return match.group(1).decode("ascii").lower()
    return None


def _usable(name: str | None) -> str | None:
    if not name:
        return None
    name = CHARSET_ALIASES.get(name.lower(), name.lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page; returns (text, encoding used). Undecodable bytes become U+FFFD, never an error."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace"), "utf-8-sig"
    declared = _usable(charset_from_header(content_type)) or _usable(charset_from_meta(body))
    if declared:
        return body.decode(declared, "replace"), declared
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    guessed = _usable(best.encoding if best else None) or "gb18030"
    return body.decode(guessed, "replace"), guessed


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text with the context a display check needs."""

    start: int
    end: int
    in_footer: bool
    link: str | None


@dataclass(slots=True)
class PageText:
    """Visible text with segment context, plus text a visitor does not see (alt texts, hidden)."""

    visible: str = ""
    segments: list[Segment] = field(default_factory=list)
    alt: list[tuple[str, str | None]] = field(default_factory=list)  # (alt text, enclosing link)
    hidden: str = ""

    def context(self, start: int) -> Segment | None:
        """The segment containing offset `start` of `visible` (binary search over sorted segments)."""
        lo, hi = 0, len(self.segments)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.segments[mid].end <= start:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self.segments) and self.segments[lo].start <= start:
            return self.segments[lo]
        return None

    def in_tail(self, start: int) -> bool:
        """Whether offset `start` lies in the last part of the page (the footer of unmarked pages)."""
        return start >= len(self.visible) * (1 - FOOTER_TAIL_FRACTION)


@dataclass(slots=True)
class _Frame:
    tag: str
    footer: bool
    link: str | None
    hidden: bool
    skipped: bool


_ROOT = _Frame("#root", False, None, False, False)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Frame] = []
        self.parts: list[str] = []
        self.size = 0
        self.page = PageText()
        self.hidden_parts: list[str] = []

    def _top(self) -> _Frame:
        return self.stack[-1] if self.stack else _ROOT

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Hot path (every tag of every page): plain loops, no per-tag dict.
        top = self.stack[-1] if self.stack else _ROOT
        if tag in VOID:
            if tag == "img" and attrs and not top.skipped and not top.hidden:
                alt = next((v for k, v in attrs if k == "alt"), None)
                if alt and alt.strip():
                    self.page.alt.append((alt.strip(), top.link))
            elif tag in BLOCK:
                self._emit("\n", top)
            return
        footer, link, hidden = top.footer or tag == "footer", top.link, top.hidden
        skipped = top.skipped or tag in SKIPPED
        if attrs and not skipped:
            for name, value in attrs:
                if name in ("id", "class"):
                    if value and not footer:
                        lowered = value.lower()
                        footer = any(m in lowered for m in FOOTER_MARKERS)
                elif name == "href":
                    if tag == "a" and value:
                        link = value
                elif name == "style":
                    compact = (value or "").replace(" ", "").lower()
                    hidden = hidden or "display:none" in compact or "visibility:hidden" in compact
                elif name == "hidden" or (name == "aria-hidden" and value == "true"):
                    hidden = True
        frame = _Frame(tag, footer, link, hidden, skipped)
        if tag in BLOCK:
            self._emit("\n", frame)
        self.stack.append(frame)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        # Lenient like browsers: close up to the matching open tag; ignore stray end tags.
        stack = self.stack
        if stack and stack[-1].tag == tag:
            stack.pop()
        else:
            for i in range(len(stack) - 2, -1, -1):
                if stack[i].tag == tag:
                    del stack[i:]
                    break
        if tag in BLOCK:
            self._emit("\n", self._top())

    def handle_data(self, data: str) -> None:
        self._emit(data, self._top())

    def _emit(self, data: str, frame: _Frame) -> None:
        if frame.skipped or not data:
            return
        if frame.hidden:
            self.hidden_parts.append(data)
            return
        start = self.size
        self.parts.append(data)
        self.size += len(data)
        if data.strip():
            self.page.segments.append(Segment(start, self.size, frame.footer, frame.link))


def extract(html: str) -> PageText:
    """Visible text (in document order) with per-segment footer/link context; never raises on bad HTML."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    page = parser.page
    page.visible = "".join(parser.parts)
    page.hidden = " ".join(parser.hidden_parts)
    return page
