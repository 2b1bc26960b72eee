"""Outside tools the tests run (rapper, serdi, node with jsonld.js and axe-core): found, or skipped.

``.ci/run`` installs them all and sets ``JIKG_REQUIRE_TOOLS=1``: there a missing tool fails the
test instead of skipping it, so a green CI means the tool really ran.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REQUIRE = "JIKG_REQUIRE_TOOLS"
JS = Path(__file__).parent / "js"
NODE_MODULES = JS / "node_modules"
NPM_CI = f"cd {JS.relative_to(Path(__file__).parent.parent)} && npm ci"


def require(present: bool, what: str, install: str) -> None:
    """Go on if ``present``; else skip, or fail where ``JIKG_REQUIRE_TOOLS`` is set."""
    if present:
        return
    message = f"{what} is missing (install: {install})"
    if os.environ.get(REQUIRE):
        pytest.fail(f"{message} and {REQUIRE} is set", pytrace=False)
    pytest.skip(message)


def require_program(name: str, package: str) -> str:
    """The path of the program ``name`` (from the Debian ``package``), or skip / fail."""
    path = shutil.which(name)
    require(path is not None, name, f"apt-get install {package}")
    return str(path)


def require_node_package(name: str) -> Path:
    """The folder of the npm package ``name`` (from ``tests/js/package-lock.json``), or skip / fail."""
    require_program("node", "nodejs")
    folder = NODE_MODULES / name
    require(folder.is_dir(), f"the npm package {name}", NPM_CI)
    return folder
