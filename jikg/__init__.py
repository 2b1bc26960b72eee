"""jikg: the Japan–India Digital Cooperation Knowledge Graph."""

__version__ = "0.1.0"
