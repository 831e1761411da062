"""Process definitions and the saved state of running processes (SpiffWorkflow, BPMN 2.0).

A ``ProcessDefinition`` is one version of a shipped BPMN file (with the DMN files it uses), keyed
by the SHA-256 of its sources, stored once: an instance keeps running on the definition it
started with even after the package ships a new one. A ``ProcessInstance`` holds only the
engine's task tree and data (the serialised workflow without its spec, a few kilobytes); the
spec is joined back from its definition when the instance is loaded (``engine.load``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ProcessDefinition(models.Model):
    process_id = models.CharField(max_length=64)
    sha256 = models.CharField(max_length=64, unique=True)
    sources = models.JSONField()  # {file name: text} of the BPMN and DMN files, as shipped
    spec = models.JSONField()  # the serialised spec and subprocess specs, as the engine reads them
    initial_state = models.JSONField()  # a workflow of this definition that has not started
    serializer_version = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.process_id}@{self.sha256[:12]}"


class ProcessInstance(models.Model):
    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="instances")
    state = models.JSONField()  # the serialised workflow minus its spec
    schema_version = models.PositiveSmallIntegerField(default=1)
    completed = models.BooleanField(default=False)
    outcome = models.CharField(max_length=64, blank=True)  # the end event reached, or "cancelled"
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.definition} #{self.pk}"
