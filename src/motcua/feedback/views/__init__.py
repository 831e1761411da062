"""The feedback app's pages, one module per audience and concern: ``ratings`` (rating a dossier,
the counter screen, the agency's ratings), ``petitions`` (sending and following a petition, the
officials' inbox and steps), ``answers`` (the public answers)."""
