"""Server-rendered zh-CN web UI (Jinja2 + htmx) over the same service functions as the API."""
