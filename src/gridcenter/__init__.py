"""gridcenter: the console of a community grid governance command center."""

__version__ = "0.1.0"
