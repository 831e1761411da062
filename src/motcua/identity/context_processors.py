"""Template context: the request's actor, so the layout can offer the right links."""

from __future__ import annotations

from django.http import HttpRequest

from motcua.identity.actors import RequestActor, actor_for


def actor(request: HttpRequest) -> dict[str, RequestActor | None]:
    return {"actor": actor_for(request)}
