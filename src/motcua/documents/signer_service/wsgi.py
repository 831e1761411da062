"""``gunicorn motcua.documents.signer_service.wsgi:application`` (what ``motcua signer serve`` runs)."""

from motcua.documents.signer_service.app import from_environment

application = from_environment()
