"""Telling applicants what happened to their dossiers: in-app notifications made from the event
log (a dossier received, a supplement requested, a refusal, the apology letter with its new date,
a stop, a transfer, the result ready), read on the portal and through the API."""
