"""Commands import only what they need: ``jikg query`` no pyshacl, a command that does not draw no pyvis."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = (
    "import sys; from jikg.cli import main; code = main({argv!r}); "
    "print('pyshacl' in sys.modules, 'pyvis' in sys.modules, file=sys.stderr); sys.exit(code)"
)


@pytest.mark.parametrize(
    "argv",
    [["query", "1", "--format", "csv"], ["queries"], ["clauses"], ["synth", "--agreements", "1"]],
    ids=lambda a: a[0],
)
def test_command_imports_neither_pyshacl_nor_pyvis(argv: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False False"
