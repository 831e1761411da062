"""Demo data shared by the platform, the stand-in eID provider and the reference registries.

Signing in as a demo person, pulling their registry data and seeing their links on the platform
must show the same person, family and company everywhere; each of the three projects needs the
same facts, and none of them may import another's code for it (ADR 0036). So the facts live here:

    accounts  the stand-in eID provider's demo accounts and their password, the demo officials'
              password
    people    the demo people's families, homes, records and the demo company, as every
              generated registries dataset holds them

No models, no settings, no app: only ``motcua.core``'s model-free helpers. Demo data only: the
commands that create it refuse to run with ``MOTCUA_ENV=production``.
"""
