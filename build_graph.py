"""Build the knowledge graph: the same as ``jikg build``."""

import sys

from jikg.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
