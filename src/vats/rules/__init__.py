"""Obligations engine: rules + licence + events + date -> obligations and findings (pure, no I/O)."""
