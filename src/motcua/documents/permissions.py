"""Stored files are private: only the owner and those who may act for the owner read them
(``selectors.files_of``); every page and API operation is applicant-only
(``identity.permissions``). Officials will reach a file only through a dossier."""
