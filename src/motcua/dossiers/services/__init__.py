"""Writes of drafts and dossiers, one module per concern: drafts, submission, bundles
(interconnected applications), counter (reception at the counter or by post), processing (the
officials' decisions), supplement (the applicant's supplement and withdrawal), assignment
(claiming and assigning work) and deadlines (the apology letter and the deadline flags)."""
