"""Brute-force limits for the officials' login and second-factor steps.

Three counters, all in the shared rate-limit cache:

- requests per address (``login_address``): every POST to a login step counts, so a single
  address cannot hammer the form whatever the outcome;
- failures per account (``login_account`` and ``login_account_day``): after a few wrong
  passwords or codes the account is slowed to one window's wait, after many in a day it is
  blocked for up to a day — whoever is trying;
- failures per address (``login_address_failures``): one address guessing across many
  accounts is blocked too.

A blocked attempt is refused before the password is even checked, with 429 and Retry-After.
A success clears the account's short-window failures (the daily count stays).
"""

from __future__ import annotations

from django.http import HttpRequest

from motcua.core import ratelimit
from motcua.core.logging import get_logger

log = get_logger(__name__)


def _account_rates() -> list[ratelimit.Rate]:
    return [ratelimit.configured_rate("login_account"), ratelimit.configured_rate("login_account_day")]


def _address_rates() -> list[ratelimit.Rate]:
    return [ratelimit.configured_rate("login_address_failures")]


def check(request: HttpRequest, account: str) -> ratelimit.Verdict:
    """Count this attempt and say whether it may proceed."""
    address = ratelimit.client_address(request)
    verdicts = [
        ratelimit.hit("login_address", address, ratelimit.configured_rate("login_address")),
        ratelimit.is_blocked("login_failures_address", address, _address_rates()),
    ]
    if account:
        verdicts.append(ratelimit.is_blocked("login_failures", account.lower(), _account_rates()))
    refused = [verdict for verdict in verdicts if not verdict.allowed]
    if refused:
        log.warning("login_throttled")
        return ratelimit.Verdict(allowed=False, retry_after=max(v.retry_after for v in refused))
    return ratelimit.Verdict(allowed=True)


def failed(request: HttpRequest, account: str) -> None:
    log.info("login_failed")
    ratelimit.record_failure("login_failures_address", ratelimit.client_address(request), _address_rates())
    if account:
        ratelimit.record_failure("login_failures", account.lower(), _account_rates())


def succeeded(account: str) -> None:
    ratelimit.clear("login_failures", account.lower(), _account_rates()[:1])
