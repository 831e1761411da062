"""No background work yet for documents (rendering and signing results come with dossiers)."""
