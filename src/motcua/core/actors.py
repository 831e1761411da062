"""Who performs an action.

Services take a keyword-only ``actor``. Until a richer identity exists for a caller (a
management command, the task worker, a registry callback) it is represented by an
``ActorRef``; identity types implement the same protocol so audit code needs no imports
from domain apps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@runtime_checkable
class Actor(Protocol):
    @property
    def actor_kind(self) -> str: ...

    @property
    def actor_id(self) -> str: ...

    @property
    def actor_agency_code(self) -> str: ...


@dataclass(frozen=True)
class ActorRef:
    """A plain actor: ``kind`` is system, official, applicant or integrator."""

    kind: str
    id: str
    agency_code: str = ""

    @property
    def actor_kind(self) -> str:
        return self.kind

    @property
    def actor_id(self) -> str:
        return self.id

    @property
    def actor_agency_code(self) -> str:
        return self.agency_code


SYSTEM = ActorRef(kind="system", id="motcua")


def command_actor(command_name: str) -> ActorRef:
    """The actor recorded for work started from a management command."""
    return ActorRef(kind="system", id=f"command:{command_name}")
