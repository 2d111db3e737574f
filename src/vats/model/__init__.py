"""Pure domain types: licences, numbers, catalogue entries, obligations and findings.

Nothing in this package performs I/O or imports a framework heavier than the standard library,
so every layer (and the fast CLI path) can depend on it cheaply.
"""
