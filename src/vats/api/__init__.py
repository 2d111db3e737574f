"""REST API (FastAPI) under /api/v1: a thin layer over the service functions."""
