"""Command-line interface: thin Typer commands over the service layers.

`main.py` loads each command group lazily so that commands which need no database never import
SQLAlchemy, FastAPI or httpx (start-up time of `vats parse` / `vats audit` is a tracked benchmark).
"""
