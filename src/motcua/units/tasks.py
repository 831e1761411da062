"""No background work yet: reloading units is an operator's command (`motcua units load`)."""
