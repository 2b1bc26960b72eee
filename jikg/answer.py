"""The one response value of the project's HTTP code: what an endpoint answers, before any server sends it.

The engine (:mod:`jikg.engine`) and dereferencing (:mod:`jikg.deref`) return an
:class:`Answer`; ``jikg serve`` turns it into its web framework's response in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Answer:
    """Status, media type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def text(status: int, message: str, *headers: tuple[str, str]) -> Answer:
    """A plain-text answer (an error says what went wrong and what to do)."""
    return Answer(status, TEXT, (message.rstrip() + "\n").encode("utf-8"), headers)
