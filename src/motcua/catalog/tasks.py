"""No background work yet: publishing the catalog is an operator's command (`motcua catalog load`)."""
