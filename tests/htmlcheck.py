"""What an HTML page is made of, to tell text shown from markup added (html.parser, as a browser tokenises).

A page rendered with a hostile string must have the same elements and attribute
names as the same page rendered with a plain one: escaping means the string can
only ever add text. ``dangers`` lists what could run or load something.
"""

from __future__ import annotations

from html.parser import HTMLParser

#: Elements that run, embed or load something.
ACTIVE = {
    "script",
    "iframe",
    "object",
    "embed",
    "img",
    "svg",
    "math",
    "link",
    "meta",
    "base",
    "form",
    "style",
}


class Page(HTMLParser):
    """The tags (with their attribute names), the attributes and the text of a page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.texts: list[str] = []
        self.scripts: dict[str, str] = {}
        self.current: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(name for name, _ in attrs))))
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        self.current = (dict(attrs).get("id") or tag) if tag == "script" else None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.current = None

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(("/" + tag, ()))
        self.current = None

    def handle_data(self, data: str) -> None:
        if self.current:
            self.scripts[self.current] = self.scripts.get(self.current, "") + data
        else:
            self.texts.append(data)

    @property
    def text(self) -> str:
        """All text outside scripts, line ends as a browser reads them."""
        return newlines("".join(self.texts))

    def dangers(self) -> list[str]:
        """Active elements, event handlers and script URLs, in page order."""
        found = [tag for tag, _ in self.tags if tag in ACTIVE]
        for tag, name, value in self.attributes:
            if name.startswith("on"):
                found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction", "srcdoc") and script_url(value):
                found.append(f"{tag} {name}={value[:40]}")
        return found


def script_url(value: str) -> bool:
    """``javascript:``, ``vbscript:`` or ``data:`` (with the whitespace and case browsers ignore)."""
    squeezed = "".join(value.split()).lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:"))


def newlines(text: str) -> str:
    """CR LF and CR as LF, as an HTML parser normalises them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
