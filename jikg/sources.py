"""Read the MoC's source text and segment it into the document's own structure.

The source is PDF-extracted: sentences break across lines, empty lines stand
between text lines, and lines holding only whitespace separate paragraphs (and
pages). A clause's text is its lines, each stripped, joined with nothing in
between; the structural marker (``第２条：``, ``１．``, ``−``, ``ii)``) is kept
apart so the text reads as a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

SOURCE_NAME = "moc-japan-india-digital-partnership-2.0.ja.txt"

ARTICLE = re.compile(r"^(第([０-９0-9]+)条：)(.*)$")
SECTION = re.compile(r"^(([０-９0-9]+)．)(.*)$")
BULLET = re.compile(r"^(−)\s*(.*)$")
ITEM = re.compile(r"^((i{1,3}|iv|v|vi{0,3})\))\s*(.*)$")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}
SENTENCE_END = "。"
SIGNATURE_OFFICE_END = "大臣"


class SegmentationError(ValueError):
    """The source does not have the structure the segmenter expects."""


@dataclass(frozen=True)
class Line:
    """One non-empty line of the source: its 1-based number and stripped text."""

    number: int
    text: str


@dataclass
class Segment:
    """A subdivision of the document with its own lines (children excluded)."""

    id: str
    kind: str
    parent: str | None
    number: int | None = None
    marker: str = ""
    lines: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The segment's own text: its lines joined, the marker left out."""
        return "".join(line.text for line in self.lines)

    @property
    def line_start(self) -> int:
        return self.lines[0].number

    @property
    def line_end(self) -> int:
        return self.lines[-1].number


def read_lines(path: Path) -> list[Line | None]:
    """Non-empty lines of ``path``; ``None`` stands for a separator line."""
    out: list[Line | None] = []
    raw = path.read_text(encoding="utf-8")
    for number, line in enumerate(raw.splitlines(), start=1):
        if line == "":
            continue
        stripped = line.strip()
        out.append(Line(number, stripped) if stripped else None)
    return out


def blocks(lines: list[Line | None]) -> list[list[Line]]:
    """Group lines into blocks separated by separator lines."""
    result: list[list[Line]] = [[]]
    for line in lines:
        if line is None:
            if result[-1]:
                result.append([])
        else:
            result[-1].append(line)
    return [b for b in result if b]


def digit(text: str) -> int:
    """Parse a number written with ASCII or full-width digits."""
    return int(unicodedata.normalize("NFKC", text))


def split_sentences(block: list[Line]) -> list[list[Line]]:
    """Split a block after every line that ends a sentence."""
    out: list[list[Line]] = [[]]
    for line in block:
        out[-1].append(line)
        if line.text.endswith(SENTENCE_END):
            out.append([])
    return [part for part in out if part]


class Segmenter:
    """Turns the source's lines into an ordered list of segments."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.index: dict[str, Segment] = {}

    def add(self, segment: Segment) -> Segment:
        if segment.id in self.index:
            raise SegmentationError(f"duplicate clause id {segment.id!r}")
        self.segments.append(segment)
        self.index[segment.id] = segment
        return segment

    def run(self, lines: list[Line | None]) -> list[Segment]:
        """Segment the whole document."""
        articles = self.split_articles(lines)
        head, article_lines = articles[0], articles[1:]
        self.front_matter(head)
        last = len(article_lines)
        for position, (match, body) in enumerate(article_lines, start=1):
            tail = self.article(match, body, is_last=position == last)
            if tail:
                self.closing(tail)
        return self.segments

    @staticmethod
    def split_articles(lines: list[Line | None]) -> list:
        """Split at article headings: [front lines, (heading, body lines) …]."""
        parts: list = [[]]
        for line in lines:
            match = ARTICLE.match(line.text) if line else None
            if match:
                parts.append((line, []))
            elif len(parts) == 1:
                parts[0].append(line)
            else:
                parts[-1][1].append(line)
        if len(parts) == 1:
            raise SegmentationError("no article heading (第１条：…) found")
        return parts

    def front_matter(self, lines: list[Line | None]) -> None:
        """The title block, then the preamble split into its sentences."""
        found = blocks(lines)
        if len(found) < 2:
            raise SegmentationError("expected a title block and a preamble")
        self.add(Segment("title", "Title", None, lines=found[0]))
        self.add(Segment("preamble", "Preamble", None))
        preamble = [line for block in found[1:] for line in block]
        for n, sentence in enumerate(split_sentences(preamble), start=1):
            self.add(Segment(f"preamble-para{n}", "Paragraph", "preamble", n, lines=sentence))

    def article(self, heading: Line, body: list[Line | None], is_last: bool) -> list:
        """One article; returns the lines after its last numbered item, if any."""
        match = ARTICLE.match(heading.text)
        number = digit(match.group(2))
        art = self.add(Segment(f"art{number}", "Article", None, number, match.group(1)))
        art.lines = [Line(heading.number, match.group(3).strip())]
        content = [line for line in body if line]
        if any(SECTION.match(line.text) for line in content):
            self.sections(art, content)
            return []
        if content and ITEM.match(content[0].text):
            return self.items(art, body, is_last)
        for n, block in enumerate(blocks(body), start=1):
            self.add(Segment(f"{art.id}-para{n}", "Paragraph", art.id, n, lines=block))
        return []

    def sections(self, art: Segment, content: list[Line]) -> None:
        """Article 2: numbered sections, each with a preface and bullets."""
        section = current = None
        for line in content:
            if match := SECTION.match(line.text):
                n = digit(match.group(2))
                section = self.add(Segment(f"{art.id}-sec{n}", "Section", art.id, n, match.group(1)))
                section.lines = [Line(line.number, match.group(3).strip())]
                current, bullets = None, 0
            elif section is None:
                raise SegmentationError(f"line {line.number}: text before the first section")
            elif match := BULLET.match(line.text):
                bullets += 1
                current = self.add(Segment(f"{section.id}-item{bullets}", "Bullet", section.id, bullets, "−"))
                current.lines = [Line(line.number, match.group(2).strip())]
            elif current is None:
                current = self.add(Segment(f"{section.id}-preface", "Preface", section.id))
                current.lines = [line]
            else:
                current.lines.append(line)

    def items(self, art: Segment, body: list[Line | None], is_last: bool) -> list:
        """Articles 3 and 7: i) ii) … items; after the last article, the rest."""
        current = None
        for position, line in enumerate(body):
            if line is None:
                nxt = next((x for x in body[position:] if x), None)
                if is_last and nxt and not ITEM.match(nxt.text):
                    return body[position:]
                continue
            if match := ITEM.match(line.text):
                n = ROMAN[match.group(2)]
                current = self.add(Segment(f"{art.id}-item{n}", "NumberedItem", art.id, n, match.group(1)))
                current.lines = [Line(line.number, match.group(3).strip())]
            else:
                current.lines.append(line)
        return []

    def closing(self, lines: list[Line | None]) -> None:
        """The closing paragraphs, then the signature block (office + name)."""
        found = blocks(lines)
        signatures = [b for b in found if len(b) == 2 and b[0].text.endswith(SIGNATURE_OFFICE_END)]
        paragraphs = [b for b in found if b not in signatures]
        if len(signatures) != 2:
            raise SegmentationError("expected two signature blocks (office line, name line)")
        self.add(Segment("closing", "Closing", None))
        for n, block in enumerate(paragraphs, start=1):
            self.add(Segment(f"closing-para{n}", "Paragraph", "closing", n, lines=block))
        self.add(Segment("signatures", "SignatureBlock", None))
        for n, (side, block) in enumerate(zip(("japan", "india"), signatures, strict=True), start=1):
            self.add(Segment(f"signatures-{side}", "Signature", "signatures", n, lines=block))


def segment(path: Path) -> list[Segment]:
    """Segment the source file at ``path`` into document-ordered segments."""
    return Segmenter().run(read_lines(path))
