"""vats — compliance operations for holders of China's value-added telecom business licences.

The package is layered; each layer imports only the ones above it in this list:
model -> reference -> ingest -> rules -> checks -> store -> registers -> report -> api/web/cli.
"""

__version__ = "0.1.0"
