"""Writes of the feedback app, one module per concern: ``ratings`` (dossier ratings, the counter
screen), ``petitions`` (PAKN and their steps), ``marks`` (useful / not useful on answers)."""
