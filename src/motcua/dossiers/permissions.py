"""Drafts are the applicant's own: every draft page and operation is ``@applicant_required``
(identity.permissions), and ``selectors.drafts.drafts_of`` scopes them to the drafts the applicant
started. Officials see dossiers only once submitted."""
