"""Units and agencies are public reference data: reading needs no permission. Changing them
happens only through ``services.reload_units`` (the `motcua units load` command)."""

PUBLIC_READ = True
