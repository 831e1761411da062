"""View-models: what the pages and the API show of drafts, dossiers and interconnected applications."""
