"""Reads of drafts, dossiers and interconnected applications, scoped to the actor, one module per concern."""
