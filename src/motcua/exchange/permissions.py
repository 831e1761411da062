"""The data-use page is the applicant's own (``@applicant_required``); the history shown is the
applicant's, or that of a child or organisation they represent by law (``selectors``). Key
management is for the platform operator, through ``motcua exchange keys`` only."""
