"""workshop: live workshops built on group dialogue."""

__version__ = "0.1.0"
