"""Normalisation: turn noisy licence text (scans, PDF text layers, pasted copies) into clean lines.

Its own stage so it can be tested alone, and so the extractor can assume tidy input. Every output
line keeps the range of original line numbers it came from (the line map), which is what makes
provenance of extracted values possible. What it removes is recorded, never silently lost:
page furniture (repeated number/title headers, 附页 marks, page numbers) in `dropped` with a
reason, duplicated fragments additionally flagged by the extractor as warnings.

Steps, in order, per line:
1. width: full-width ASCII forms (U+FF01–FF5E) and the ideographic space become half-width;
2. markdown-ish headings lose their `#` marks, emphasis loses its `**`;
3. spaces next to Chinese characters or structural punctuation are removed (`(附 页)` -> `(附页)`),
   other runs of spaces collapse to one (`App Store` stays);
4. page furniture is dropped (the first number header and title are kept as content);
5. a line that starts nothing new (see `extract_vocab.is_starter`) is either a duplicate of the end
   of the previous line (a fragment repeated by a page break: dropped) or, when the previous line
   is not a closed sentence and is long enough to have wrapped (`MIN_WRAP`), the rest of a broken
   line, joined with no separator (a break in the middle of a Chinese word or name such as
   `万国` / `6号数据中心` or `o` / `ppo应用商店` needs none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vats.ingest.extract_vocab import (
    CLOSERS,
    NUMBER_HEADER,
    PAGE_MARK,
    PROVISIONS_HEADING,
    TITLE_LINE,
    is_starter,
)

_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20, 0x09: 0x20}
_WIDE_RUN = re.compile("[\uff01-\uff5e\u3000\xa0\t]+")
# Characters next to which a space is noise: CJK ideographs and punctuation, full-width forms,
# general punctuation (quotes), and the structural ASCII punctuation of labels and lists.
_TIGHT = "\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef:;,()\\[\\]"
_SPACE_NEAR_TIGHT = re.compile(rf"(?<=[{_TIGHT}]) +| +(?=[{_TIGHT}])")
_SPACES = re.compile(r" {2,}")
_HEADING = re.compile(r"^#{1,6} *")
#: A line is only continued when its last physical piece is at least this long: text wraps near
#: the page width, so a short line followed by stray text is a separate line, not a broken one
#: (the stray text then surfaces as an "unplaced" warning instead of being glued onto a value).
MIN_WRAP = 16
#: A repeated fragment must be at least this long to be dropped as a duplicate; shorter tails
#: (one or two characters) are too likely to repeat by chance.
MIN_DUPLICATE = 3


@dataclass(frozen=True, slots=True)
class DroppedLine:
    """An original line the normaliser removed, and why (`page_header`, `page_mark`, `duplicate`)."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Normalised:
    """Clean lines, and for each the inclusive original 1-based line range it was built from."""

    lines: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    dropped: tuple[DroppedLine, ...]


def clean_line(raw: str) -> str:
    """Steps 1–3 for one line: width, heading marks, spaces."""
    return _clean_spaces(raw.translate(_WIDTH))


def _clean_spaces(line: str) -> str:
    """Steps 2–3 (the caller has already made the line half-width)."""
    line = line.strip()
    if line.startswith("#"):
        line = _HEADING.sub("", line)
    if "*" in line:  # markdown emphasis (**公司名称**:…); a licence never prints asterisks
        line = line.replace("**", "").strip()
    if " " in line:
        line = _SPACES.sub(" ", _SPACE_NEAR_TIGHT.sub("", line))
    return line


def is_duplicate_fragment(previous: str, line: str) -> bool:
    """A stray repeat of the end of the previous line, as a page break leaves it."""
    return len(line) >= MIN_DUPLICATE and len(line) < len(previous) and previous.endswith(line)


def survives_break(first: str, rest: str, *, before: str = "") -> bool:
    """True when a line split into `first` + `rest` is re-joined exactly by `normalise`.

    The renderer's noise uses it, so synthetic broken lines are exactly the ones this stage
    promises to repair (and the property test can demand an exact round trip). `before` is the
    part of the same line already printed on earlier lines when a paragraph wraps over three or
    more: `first` then continues it, so it must not look like the start of a new line itself.
    """
    whole = before + first
    return (
        bool(first)
        and bool(rest)
        and first == first.strip()
        and rest == rest.strip()
        and clean_line(first) == first
        and clean_line(rest) == rest
        and first[-1] not in CLOSERS
        and len(first) >= MIN_WRAP
        and is_starter(whole)  # else the line could itself glue onto an open line
        and not (before and is_starter(first))
        and not is_starter(rest)
        and not is_furniture(rest)
        and not is_furniture(first)
        and not is_duplicate_fragment(whole, rest)
    )


def is_furniture(line: str) -> bool:
    """A page mark or a page header: lines this stage may drop (the renderer must not fake them)."""
    return _FURNITURE.match(line) is not None


def _half_width(match: re.Match[str]) -> str:
    return match.group().translate(_WIDTH)


def _bare(pattern: re.Pattern[str]) -> str:
    return re.sub(r"\?P<\w+>", "", pattern.pattern)


# One match per line tells page marks (always dropped) from page headers (repeats dropped).
_HEADERS = "|".join(_bare(p) for p in (NUMBER_HEADER, TITLE_LINE, PROVISIONS_HEADING))
_FURNITURE = re.compile(f"(?P<mark>{_bare(PAGE_MARK)})|(?P<header>{_HEADERS})", re.IGNORECASE)


def normalise(text: str) -> Normalised:
    """Run every step over `text` (see the module docstring).

    The line being built is kept as a list of pieces and joined once, so a document made of
    thousands of continuation lines stays linear instead of re-copying an ever longer string.
    """
    lines: list[str] = []
    spans: list[tuple[int, int]] = []
    dropped: list[DroppedLine] = []
    headers: set[str] = set()
    pieces: list[str] = []  # the last line, still open to continuation
    length = first = last = 0
    # Width is fixed for the whole text at once; it never changes line breaks.
    # Only the runs that need it are translated: str.translate over a whole CJK text is slow.
    text = _WIDE_RUN.sub(_half_width, text)
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw or raw.isspace():
            continue
        line = raw.strip()
        if " " in line or line[0] == "#" or "*" in line:  # the common case costs nothing
            line = _clean_spaces(line)
        if not line:  # e.g. a bare "#"
            continue
        furniture = _FURNITURE.match(line)
        if furniture is not None:
            if furniture["mark"] is not None:
                dropped.append(DroppedLine(number, raw, "page_mark"))
                continue
            if line in headers:
                dropped.append(DroppedLine(number, raw, "page_header"))
                continue
            headers.add(line)
        elif pieces and not is_starter(line):
            if MIN_DUPLICATE <= len(line) < length and _tail(pieces, len(line)) == line:
                dropped.append(DroppedLine(number, raw, "duplicate"))
                continue
            if pieces[-1][-1] not in CLOSERS and len(pieces[-1]) >= MIN_WRAP:
                pieces.append(line)
                length += len(line)
                last = number
                continue
        if pieces:
            lines.append("".join(pieces))
            spans.append((first, last))
        pieces, length, first, last = [line], len(line), number, number
    if pieces:
        lines.append("".join(pieces))
        spans.append((first, last))
    return Normalised(tuple(lines), tuple(spans), tuple(dropped))


def _tail(pieces: list[str], size: int) -> str:
    """The last `size` characters of the joined pieces, touching only the pieces needed."""
    tail = ""
    for piece in reversed(pieces):
        tail = piece + tail
        if len(tail) >= size:
            break
    return tail[-size:]
