"""What the canvas writes under a node: a short, wrapped caption in English or Japanese.

Widths are counted in columns, a CJK character counting two (East Asian Width W or F),
so that a Japanese caption wraps at the same visual width as an English one even
though it has no spaces to break at.
"""

from __future__ import annotations

import textwrap
import unicodedata
from functools import lru_cache

from .project import ALT_SEPARATOR

#: Captions wrap at this many columns.
CAPTION_COLUMNS = 24
#: A label longer than this many columns is replaced on the canvas by its first alternative label.
LONG_LABEL = 30
#: Captions longer than this many columns are cut (the tooltip and the details panel hold the whole label).
CAPTION_LIMIT = 46


def char_width(char: str) -> int:
    """A character's display width: 2 if East Asian wide or full-width, else 1."""
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def columns(text: str) -> int:
    """Display width: East Asian wide and full-width characters count two."""
    return len(text) if text.isascii() else sum(map(char_width, text))


def wrap(text: str, width: int = CAPTION_COLUMNS) -> str:
    """Wrap at spaces; a run without spaces (Japanese) is cut every ``width`` columns."""
    lines: list[str] = []
    for line in textwrap.wrap(text, width=width, break_long_words=False) or [""]:
        if line.isascii():  # one column per character: cut every ``width``
            lines += [line[i : i + width] for i in range(0, len(line), width)] or [""]
            continue
        current, used = "", 0  # the line so far and its columns (counted once, not per character)
        for char in line:
            if used + (w := char_width(char)) > width and current:
                lines.append(current)
                current, used = "", 0
            current, used = current + char, used + w
        lines.append(current)
    return "\n".join(lines)


def short_label(label: str, alternatives: str) -> str:
    """The label, or its first alternative label (METI, GPAI …) when the label is long."""
    first = alternatives.split(ALT_SEPARATOR)[0] if alternatives else ""
    if columns(label) > LONG_LABEL and first and columns(first) < columns(label):
        return first
    return label


def shorten(text: str, limit: int = CAPTION_LIMIT) -> str:
    """``text`` cut to ``limit`` columns with an ellipsis (the full label is in the tooltip and panel)."""
    if columns(text) <= limit:
        return text
    cut, used = "", 0
    for char in text:
        used += char_width(char)
        if used > limit - 1:
            break
        cut += char
    return cut.rstrip(" ,;:、") + "…"


@lru_cache(maxsize=1 << 16)
def label_caption(label: str, alternatives: str) -> str:
    """The wrapped, shortened caption of a label (remembered: a node is drawn on several pages)."""
    return wrap(shorten(short_label(label, alternatives)))


def caption(data: dict, lang: str) -> str:
    """What the canvas shows under a node in ``lang`` (the other language if it has none)."""
    other = "ja" if lang == "en" else "en"
    label = data.get(f"label_{lang}") or data.get(f"label_{other}") or ""
    text = label_caption(label, data.get(f"alt_{lang}", ""))
    date = data.get("date", "")
    return f"{date}\n{text}" if date and date not in text else text
