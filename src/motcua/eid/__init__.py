"""A stand-in for the national electronic identity (VNeID): a small OpenID Connect provider.

It runs as its own process with its own settings and database (``motcua-eid``), so the
platform talks to it exactly as it would to the real provider: authorization code + PKCE,
RS256-signed id tokens, a userinfo endpoint. For development, demonstrations and tests only;
a deployment points the platform's OIDC_* settings at the real national identity instead.
"""
