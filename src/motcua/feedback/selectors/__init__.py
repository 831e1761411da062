"""Reads of the feedback app, scoped to the actor, one module per concern: ``ratings``,
``petitions`` (the petitioner's own, the officials' inbox, the public answers)."""
