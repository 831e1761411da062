"""No pages of its own: provinces, communes and agencies appear in the catalog pages and the API."""
