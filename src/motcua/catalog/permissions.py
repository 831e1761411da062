"""The published catalog is public: reading needs no permission. Publishing happens only
through ``services.sync_catalog`` (the `motcua catalog load` command), from reviewed specs."""

PUBLIC_READ = True
