"""Generic register machinery built from a `RegisterSpec`: service, API router, CLI commands."""
