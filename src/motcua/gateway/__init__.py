"""The reference payment gateway: a separate Django project and process (``motcua gateway serve``,
port 8003) that stands in for a Vietnamese payment intermediary in development, demos and tests.

It speaks ``motcua.protocol.payments`` (VNPay 2.1.0 style): merchants sign payment requests, the
citizen pays on the gateway's own pages with demo cards or a VietQR bank transfer, the browser
goes back to the merchant's return URL and the gateway notifies the merchant server to server
(signed IPN, retried until answered). It answers signed queries and refunds and publishes a
daily statement of settled transactions. A fault switch (``/control/faults``, refused in
production) makes it fail, delay, duplicate, reorder or never send notifications. It imports
only ``motcua.protocol`` and core's model-free helpers, never the platform (ADR 0036, 0041).
"""
