"""Payments: the fees (phí, lệ phí) a dossier owes, paid online through a payment gateway or by
VietQR, never in cash; the append-only ledger; refunds; reconciliation with the gateway's daily
statement (docs/payments.md, ADR 0041, 0042). Above ``dossiers``: it reacts to dossier events
and registers the payment hold that dossiers consult through ``dossiers.holds``."""
