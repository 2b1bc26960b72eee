"""Content negotiation (RFC 9110 §12.5.1), by werkzeug's ``MIMEAccept``: one negotiator for every route.

Each offered type takes the quality of the most specific media range that matches it
(``text/turtle`` before ``text/*`` before ``*/*``); the best wins, ties go to the order of
the offers. Aliases (``application/json`` for JSON-LD, …) are offered under their own name
and answered as the type they stand for. Every body served is UTF-8, so each type is also
offered with ``; charset=utf-8`` (werkzeug matches a range's parameters exactly).
"""

from __future__ import annotations

from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


def best(accept: str | None, offers: tuple[str, ...], aliases: dict[str, str] | None = None) -> str | None:
    """The offer (or the type an alias stands for) the client prefers; ``None`` if none is acceptable.

    A missing or empty ``Accept`` header accepts everything: the first offer.
    """
    return choose(accept or "", offers, tuple(sorted((aliases or {}).items())))


@lru_cache(maxsize=1024)
def choose(accept: str, offers: tuple[str, ...], aliases: tuple[tuple[str, str], ...]) -> str | None:
    """:func:`best`, cached: a server sees the same few ``Accept`` headers again and again."""
    names = dict(aliases)
    for name in [*offers, *names]:
        names.setdefault(f"{name}; charset=utf-8", names.get(name, name))
    if not accept.strip():
        return offers[0] if offers else None
    ranked = parse_accept_header(accept, MIMEAccept)
    found = ranked.best_match([*offers, *(alias for alias, target in names.items() if target in offers)])
    return names.get(found, found) if found else None
