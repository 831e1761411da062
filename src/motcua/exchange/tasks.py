"""The exchange has no background tasks: pulls run inside the applicant's request, bounded by
``MOTCUA_EXCHANGE_TIMEOUT_MS``, and a failed pull is retried by the applicant."""
