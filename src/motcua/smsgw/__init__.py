"""The reference SMS gateway: a stand-in for a telecom operator's SMS gateway, run as its own
process (``motcua smsgw serve``, port 8004) with its own settings and database, speaking the
signed protocol of ``motcua.protocol.sms`` (ADR 0050). It keeps every message it was sent (its
page ``/`` lists them for a person running the demo; ``GET /v1/messages`` for tests), posts a
signed delivery receipt back to the platform, and has a fault switch (fail, delay, no receipt)
for tests. Never deployed: a real gateway replaces it by configuration."""
