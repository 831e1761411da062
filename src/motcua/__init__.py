"""motcua: a platform for full-process online public services."""

__version__ = "0.1.0"
