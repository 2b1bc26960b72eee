"""How this project drives Debian's Chromium headless (tests and benchmarks), never a downloaded browser."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
#: Without the background-networking flags Chromium tries to reach Google's hosts at start.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright):
    """A headless Chromium browser from ``playwright`` (``sync_playwright()`` started)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
