"""The reference remote signing service: a separate process that holds agencies' keys and signs
hashes for the platform over the Cloud Signature Consortium API v2 (the subset below).

It stands where a qualified remote signing service (a CA's cloud signing, an HSM behind an
agency's own service) stands in a deployment, so ``MOTCUA_SIGNER=remote`` talks the real
protocol to a real process in development and tests. Run it with ``motcua signer serve``.

- ``POST /csc/v2/info``: what the service is (no authentication);
- ``POST /csc/v2/credentials/info``: a credential's certificate chain and key algorithms;
- ``POST /csc/v2/signatures/signHash``: PKCS#1 v1.5 signatures of SHA-256 hashes;
- ``GET /health``: 200 when it serves.

A credential ID is an agency code; its key and certificate are the development PKI's files
(``<dir>/agencies/<CODE>.{cert,key}.pem``, chained to ``<dir>/root.cert.pem``). Every CSC call
but ``info`` needs ``Authorization: Bearer <token>`` with a token from the token file (one per
line, so a token can be rotated without downtime; re-read when the file changes). Authorisation
is implicit (``authMode: implicit``): the bearer token is the platform's, and no per-signature
activation data (SAD) is asked for. Configuration is two environment variables:
``MOTCUA_SIGNING_SERVICE_KEY_DIR`` and ``MOTCUA_SIGNING_SERVICE_TOKEN_FILE``.
"""
