"""Turn a homepage's bytes into text a person would see, remembering where each piece of text was.

Decoding follows the browser's order: the HTTP header charset, then `<meta charset>` or the
http-equiv Content-Type, then detection (charset-normalizer) — Chinese sites are still often GBK.
Extraction parses with Lexbor (selectolax; a C HTML5 parser that builds the tree a browser builds,
about ten times faster than the stdlib's `html.parser`, which made judging the crawler's main CPU
cost) — never regular expressions over markup. Scripts, styles, templates and noscript are skipped;
text inside hidden elements and image alt text are kept apart, because a number only a screen
reader or a crawler can see is not "displayed" (Order 292 art. 12).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode, create_tag

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
# Lexbor's numeric tag ids: the walk compares ints instead of building a tag-name string per node.
_TEXT = LexborHTMLParser("x").body.first_child.tag_id  # type: ignore[union-attr]
_NOT_ELEMENTS = frozenset({_TEXT, 3, 4, 5})  # text, document, comment, doctype (lexbor's fixed ids)
_SKIPPED_IDS = frozenset(create_tag(t).tag_id for t in SKIPPED)
_VOID_IDS = frozenset(create_tag(t).tag_id for t in VOID)
_BLOCK_IDS = frozenset(create_tag(t).tag_id for t in BLOCK)
_IMG, _A, _FOOTER = (create_tag(t).tag_id for t in ("img", "a", "footer"))
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


class Segment(NamedTuple):
    """A run of text with the context a display check needs (a tuple: one per text node, made fast)."""

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


def _context(
    is_link: bool, attrs: dict[str, str | None], footer: bool, link: str | None, hidden: bool
) -> tuple[bool, str | None, bool]:
    """The (footer, link, hidden) context an element gives its content, from its attributes."""
    for name, value in attrs.items():
        if name == "id" or name == "class":
            if value and not footer:
                lowered = value.lower()
                footer = any(marker in lowered for marker in FOOTER_MARKERS)
        elif name == "href":
            if is_link and value:
                link = value
        elif name == "style":
            if value:
                compact = value.replace(" ", "").lower()
                hidden = hidden or "display:none" in compact or "visibility:hidden" in compact
        elif name == "hidden" or (name == "aria-hidden" and value == "true"):
            hidden = True
    return footer, link, hidden


def extract(html: str) -> PageText:
    """Visible text (in document order) with per-segment footer/link context; never raises on bad HTML.

    Lexbor builds the tree a browser would (HTML5 tree construction: implied and misnested tags,
    `<noscript>` as a scripting browser sees it); the walk below only reads it. The walk keeps its
    own stack instead of recursing, so a page nested ten thousand deep cannot exhaust Python's."""
    # str → UTF-8 here: "replace" keeps a stray surrogate from raising inside the parser.
    root = LexborHTMLParser(html.encode("utf-8", "replace"), scripting=True).root
    parts: list[str] = []  # visible text in document order, "\n" at block boundaries
    page = PageText()
    segments, hidden_parts = page.segments, []
    size = 0
    footer, link, hidden = False, None, False
    # Where to go on after an element's children: (next sibling, context outside it, is a block).
    stack: list[tuple[LexborNode | None, bool, str | None, bool, bool]] = []
    node = root.first_child if root is not None else None
    while node is not None or stack:  # hot loop over every node: locals and int tag ids only
        if node is None:
            node, footer, link, hidden, block = stack.pop()
            if block and not hidden:
                parts.append("\n")
                size += 1
            continue
        tag = node.tag_id
        if tag == _TEXT:
            data = node.text_content
            if data and hidden:
                hidden_parts.append(data)
            elif data:
                parts.append(data)
                size += len(data)
                if not data.isspace():
                    segments.append(Segment(size - len(data), size, footer, link))
        elif tag not in _NOT_ELEMENTS and tag not in _SKIPPED_IDS:
            if tag in _VOID_IDS:
                if tag == _IMG and not hidden and (alt := (node.attributes.get("alt") or "").strip()):
                    page.alt.append((alt, link))
                elif tag in _BLOCK_IDS and not hidden:  # <br>, <hr>
                    parts.append("\n")
                    size += 1
            else:
                block = tag in _BLOCK_IDS
                stack.append((node.next, footer, link, hidden, block))
                footer = footer or tag == _FOOTER
                if attrs := node.attributes:
                    footer, link, hidden = _context(tag == _A, attrs, footer, link, hidden)
                if block and not hidden:
                    parts.append("\n")
                    size += 1
                node = node.first_child
                continue
        node = node.next
    page.visible = "".join(parts)
    page.hidden = " ".join(hidden_parts)
    return page
