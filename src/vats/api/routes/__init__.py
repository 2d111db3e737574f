"""This package's /api/v1 routers (registers bring their own from vats.registers.<concept>.api)."""
