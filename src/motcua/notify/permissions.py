"""Notifications are their recipient's own: every page and API operation is applicant-only
(``@applicant_required``, ``applicant_auth``), and ``selectors.notifications_of`` scopes them to
the notifications addressed to the caller. Whoever acts for someone (a representative) reads the
notifications of what they submitted, addressed to them, not the other person's. Officials read
none: what an applicant was told is on the dossier's page as its notices and history."""
