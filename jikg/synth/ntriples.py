"""Write N-Triples lines fast, as text, with a progress bar on stderr.

The corpus is written line by line (https://www.w3.org/TR/n-triples/): no graph
is held in memory, so its size is bounded only by the disk.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

from ..iris import PREFIXES

ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
XSD = PREFIXES["xsd"]


def iri(value: str) -> str:
    """An IRI term: ``<value>``."""
    return f"<{value}>"


def lang(text: str, tag: str) -> str:
    """A language-tagged string."""
    return f'"{text.translate(ESCAPES)}"@{tag}'


def typed(text: str, datatype: str) -> str:
    """A literal typed ``xsd:<datatype>`` (a plain string for ``string``)."""
    if datatype == "string":
        return f'"{text.translate(ESCAPES)}"'
    return f'"{text.translate(ESCAPES)}"^^<{XSD}{datatype}>'


def term(name: str) -> str:
    """A prefixed name of the project (``rdfs:label``) as an IRI term."""
    prefix, local = name.split(":", 1)
    return f"<{PREFIXES[prefix]}{local}>"


@dataclass
class Progress:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    total: int
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    enabled: bool = True
    _last: float = 0.0

    def show(self, done: int, triples: int, final: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not final and now - self._last < 0.1):
            return
        self._last = now
        width = 30
        filled = width * done // max(self.total, 1)
        bar = "#" * filled + "." * (width - filled)
        end = "\n" if final else ""
        self.stream.write(f"\rsynth [{bar}] {done}/{self.total} agreements, {triples:,} triples{end}")
        self.stream.flush()


class Writer:
    """Counts and writes triples to ``out``."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def triple(self, subject: str, predicate: str, obj: str) -> None:
        self.out.write(f"{subject} {predicate} {obj} .\n")
        self.count += 1
