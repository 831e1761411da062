"""The public REST API v1: one router per domain, mounted at /api/v1/ (OpenAPI at /api/v1/docs)."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="motcua API",
    version="1.0.0",
    urls_namespace="api-v1",
    description="Full-process online public services. Errors use the shape {code, message}.",
)
