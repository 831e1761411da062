"""The platform's side of the exchange: signed calls to the registries, several at a time.

``ExchangeClient.pull`` sends one signed request per data source in parallel (a thread pool
over one keep-alive HTTP client) and returns when all have answered or the deadline has passed,
whichever comes first: the calling request thread never waits longer than the timeout, however
slow a registry is. Each call retries transport failures (connection refused, timeout, 5xx) with
exponential back-off while time remains, re-signing with a fresh nonce each time (a registry
refuses a reused nonce as a replay); answers are final, including refusals. A circuit breaker
per registry stops calling one that keeps failing. Every response must carry the registries'
signature over the request's digest and nonce, or it is rejected as ``invalid_response``.

The worker threads do no database work: the service loads signing keys before and writes the
exchange log after (``exchange.services``).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from joserfc.jwk import OKPKey

from motcua.exchange.breaker import BreakerBoard
from motcua.protocol import (
    CONTENT_TYPE,
    MAX_RESPONSE_BYTES,
    REQUEST_TYPE,
    RESPONSE_TYPE,
    WRITE_TYPE,
    AccessLogRequest,
    ExchangeErrorCode,
    ExchangeRequest,
    ExchangeResponse,
    ProtocolError,
    WriteRequest,
    check_time,
    digest,
    key_set,
    new_nonce,
    parse,
    sign,
)
from motcua.protocol import verify as verify_message
from motcua.protocol.feeds import FeedRequest

RESPONSE_WINDOW_SECONDS = 300


class PullStatus(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    REFUSED = "refused"
    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    CIRCUIT_OPEN = "circuit_open"
    INVALID_RESPONSE = "invalid_response"

    @property
    def is_answer(self) -> bool:
        """The registry answered (data, no data, or a refusal): retrying cannot change it."""
        return self in {PullStatus.OK, PullStatus.NOT_FOUND, PullStatus.REFUSED}


@dataclass
class CallOutcome:
    status: PullStatus
    data: Any = None
    error_code: str = ""
    error_message: str = ""
    http_status: int | None = None
    attempts: int = 0
    duration_ms: int = 0
    log_entry: str = ""
    request_digest: str = ""


@dataclass(frozen=True)
class PullItem:
    """One request to send, with the key that signs it and the caller's label."""

    label: str
    request: ExchangeRequest
    key: OKPKey


@dataclass
class PullOutcome(CallOutcome):
    label: str = ""
    request: ExchangeRequest | None = None


@dataclass(frozen=True)
class Endpoints:
    base_url: str
    overrides: Mapping[str, str] = field(default_factory=dict)

    def query_url(self, registry: str) -> str:
        return self.overrides.get(registry) or f"{self.base_url}/v1/{registry}/query"

    def write_url(self, registry: str) -> str:
        query = self.query_url(registry)
        return query.removesuffix("/query") + "/write" if query.endswith("/query") else query + "/write"

    def changes_url(self, registry: str) -> str:
        return f"{self.base_url}/v1/{registry}/changes"

    @property
    def access_log_url(self) -> str:
        return f"{self.base_url}/v1/access-log"

    @property
    def ping_url(self) -> str:
        return f"{self.base_url}/v1/ping"

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/.well-known/jwks.json"


class RegistryTrust:
    """The registries' public keys: pinned from a file, or fetched from their JWKS URL.

    A fetched set is refetched when a response names an unknown key (after a rotation), at most
    once every ``refetch_seconds``; a pinned set never changes without a restart."""

    def __init__(
        self, *, http: httpx.Client, jwks_url: str, pinned_file: Path | None, refetch_seconds: float = 30.0
    ) -> None:
        self.http = http
        self.jwks_url = jwks_url
        self.pinned = pinned_file is not None
        self.refetch_seconds = refetch_seconds
        self._lock = threading.Lock()
        self._fetch_lock = threading.Lock()
        self._keys: dict[str, OKPKey] = {}
        self._fetched_at = float("-inf")
        if pinned_file is not None:
            self._keys = key_set(json.loads(pinned_file.read_text(encoding="utf-8")))

    def key(self, kid: str, *, timeout: float) -> OKPKey:
        with self._lock:
            known = self._keys.get(kid)
        if known is not None:
            return known
        # One fetch at a time: threads that find the key missing together wait for the one
        # fetch, then look again, instead of each deciding it is "not due" and failing.
        with self._fetch_lock:
            with self._lock:
                known = self._keys.get(kid)
                due = not self.pinned and time.monotonic() - self._fetched_at >= self.refetch_seconds
            if known is None and due:
                self._refetch(timeout)
                with self._lock:
                    known = self._keys.get(kid)
        if known is None:
            raise ProtocolError(
                ExchangeErrorCode.INVALID_RESPONSE, "The response is signed by an unknown key."
            )
        return known

    def _refetch(self, timeout: float) -> None:
        try:
            response = self.http.get(self.jwks_url, timeout=max(timeout, 0.1))
            response.raise_for_status()
            keys = key_set(response.json())
        except (httpx.HTTPError, ValueError, ProtocolError):
            return  # try again after refetch_seconds; the call fails as invalid_response now
        finally:
            with self._lock:
                self._fetched_at = time.monotonic()
        with self._lock:
            self._keys = keys


class ExchangeClient:
    def __init__(
        self,
        *,
        endpoints: Endpoints,
        trust: RegistryTrust,
        http: httpx.Client,
        timeout: float,
        retries: int,
        backoff: float,
        breakers: BreakerBoard,
        parallel: int,
    ) -> None:
        self.endpoints = endpoints
        self.trust = trust
        self.http = http
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.breakers = breakers
        self.executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=parallel, thread_name_prefix="exchange"
        )

    # --- one signed call, with retries --------------------------------------------------------
    def _attempt(self, url: str, token: str, *, timeout: float) -> tuple[int, str]:
        response = self.http.post(
            url,
            content=token.encode("ascii"),
            headers={"Content-Type": CONTENT_TYPE, "Accept": CONTENT_TYPE},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 1.0)),
        )
        return response.status_code, response.text

    def _read(self, body: str, *, token: str, nonce: str, agency: str, timeout: float) -> ExchangeResponse:
        try:
            answer = body.strip()
            compact = parse(answer, max_bytes=MAX_RESPONSE_BYTES)
            key = self.trust.key(str(compact.header["kid"]), timeout=timeout)
            claims = verify_message(compact, key, typ=RESPONSE_TYPE)
            response = ExchangeResponse.from_claims(claims)
            check_time(response.issued_at, window_seconds=RESPONSE_WINDOW_SECONDS)
        except ProtocolError as exc:
            raise ProtocolError(ExchangeErrorCode.INVALID_RESPONSE, exc.message) from None
        if response.request_digest != digest(token):
            raise ProtocolError(ExchangeErrorCode.INVALID_RESPONSE, "The response answers another request.")
        # A refusal of a request the registry could not attribute (unknown key, bad signature) names
        # no agency and no nonce; the digest still binds it to this request. Data never comes so.
        if response.status != "refused" and (response.agency != agency or response.in_reply_to != nonce):
            raise ProtocolError(
                ExchangeErrorCode.INVALID_RESPONSE, "The response is addressed to another request."
            )
        if response.status == "refused" and response.agency not in {agency, ""}:
            raise ProtocolError(
                ExchangeErrorCode.INVALID_RESPONSE, "The refusal is addressed to another agency."
            )
        return response

    def call(
        self,
        *,
        breaker_name: str,
        url: str,
        claims_for: Callable[[str, int], Mapping[str, Any]],
        key: OKPKey,
        agency: str,
        deadline: float,
        typ: str = REQUEST_TYPE,
    ) -> CallOutcome:
        """Sign ``claims_for(nonce, iat)`` and post it, retrying transport failures until ``deadline``."""
        breaker = self.breakers.for_registry(breaker_name)
        started = time.monotonic()
        outcome = CallOutcome(status=PullStatus.UNAVAILABLE)
        for attempt in range(1, self.retries + 2):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                outcome.status = PullStatus.TIMEOUT
                break
            if not breaker.allow():
                if outcome.attempts == 0:
                    outcome.status = PullStatus.CIRCUIT_OPEN
                break
            nonce = new_nonce()
            token = sign(claims_for(nonce, int(time.time())), key, typ=typ)
            outcome.attempts = attempt
            outcome.request_digest = digest(token)
            try:
                status, body = self._attempt(url, token, timeout=remaining)
            except httpx.TimeoutException:
                breaker.record_failure()
                outcome.status, outcome.error_message = (
                    PullStatus.TIMEOUT,
                    "The registry did not answer in time.",
                )
            except httpx.HTTPError as exc:
                breaker.record_failure()
                outcome.status, outcome.error_message = PullStatus.UNAVAILABLE, type(exc).__name__
            else:
                outcome.http_status = status
                if status >= 500:
                    breaker.record_failure()
                    outcome.status, outcome.error_message = PullStatus.UNAVAILABLE, f"HTTP {status}"
                else:
                    breaker.record_success()
                    try:
                        response = self._read(
                            body, token=token, nonce=nonce, agency=agency, timeout=remaining
                        )
                    except ProtocolError as exc:
                        outcome.status = PullStatus.INVALID_RESPONSE
                        outcome.error_code, outcome.error_message = exc.code, exc.message
                    else:
                        outcome.status = PullStatus(response.status)
                        outcome.data = response.data
                        outcome.error_code, outcome.error_message = (
                            response.error_code,
                            response.error_message,
                        )
                        outcome.log_entry = response.log_entry
                    break
            pause = self.backoff * (2 ** (attempt - 1)) * (1 + random.random() / 2)  # noqa: S311 - jitter
            if attempt <= self.retries and time.monotonic() + pause < deadline:
                time.sleep(pause)
        outcome.duration_ms = int((time.monotonic() - started) * 1000)
        return outcome

    # --- registry queries in parallel ---------------------------------------------------------
    def _query(self, item: PullItem, deadline: float) -> PullOutcome:
        def claims_for(nonce: str, issued_at: int) -> Mapping[str, Any]:
            return dataclasses.replace(item.request, nonce=nonce, issued_at=issued_at).claims()

        outcome = self.call(
            breaker_name=item.request.registry,
            url=self.endpoints.query_url(item.request.registry),
            claims_for=claims_for,
            key=item.key,
            agency=item.request.agency,
            deadline=deadline,
        )
        return PullOutcome(**dataclasses.asdict(outcome), label=item.label, request=item.request)

    def pull(self, items: Sequence[PullItem], *, timeout: float | None = None) -> list[PullOutcome]:
        """Send every item at once; outcomes in the items' order, within ``timeout`` seconds."""
        budget = self.timeout if timeout is None else timeout
        started = time.monotonic()
        deadline = started + budget
        futures = [self.executor.submit(self._query, item, deadline) for item in items]
        concurrent.futures.wait(futures, timeout=budget)
        outcomes = []
        for item, future in zip(items, futures, strict=True):
            if future.done() and future.exception() is None:
                outcomes.append(future.result())
            else:
                future.cancel()
                outcomes.append(
                    PullOutcome(
                        status=PullStatus.TIMEOUT,
                        error_message="No answer within the time limit.",
                        attempts=1,
                        duration_ms=int((time.monotonic() - started) * 1000),
                        label=item.label,
                        request=item.request,
                    )
                )
        return outcomes

    def write(self, request: WriteRequest, key: OKPKey, *, timeout: float | None = None) -> CallOutcome:
        """One signed write (ADR 0043), with the same retries, breaker and answer checks as a
        query. Every attempt is signed afresh (a new nonce) with the same request id and body, so
        a retry after a lost answer gets the answer of the write already made, not a second one."""

        def claims_for(nonce: str, issued_at: int) -> Mapping[str, Any]:
            return dataclasses.replace(request, nonce=nonce, issued_at=issued_at).claims()

        return self.call(
            breaker_name=request.registry,
            url=self.endpoints.write_url(request.registry),
            claims_for=claims_for,
            key=key,
            agency=request.agency,
            deadline=time.monotonic() + (self.timeout if timeout is None else timeout),
            typ=WRITE_TYPE,
        )

    def signed_call(self, request: AccessLogRequest, key: OKPKey, *, url: str) -> CallOutcome:
        """One access-log or ping call (not fanned out), within the client's timeout."""

        def claims_for(nonce: str, issued_at: int) -> Mapping[str, Any]:
            return dataclasses.replace(request, nonce=nonce, issued_at=issued_at).claims()

        return self.call(
            breaker_name=request.audience,
            url=url,
            claims_for=claims_for,
            key=key,
            agency=request.agency,
            deadline=time.monotonic() + self.timeout,
        )

    def feed(self, request: FeedRequest, key: OKPKey) -> CallOutcome:
        """One page of a registry's change feed (ADR 0063), with the client's retries and breaker."""

        def claims_for(nonce: str, issued_at: int) -> Mapping[str, Any]:
            return dataclasses.replace(request, nonce=nonce, issued_at=issued_at).claims()

        return self.call(
            breaker_name=request.audience,
            url=self.endpoints.changes_url(request.registry),
            claims_for=claims_for,
            key=key,
            agency=request.agency,
            deadline=time.monotonic() + self.timeout,
        )


def connect(
    base_url: str,
    *,
    overrides: Mapping[str, str] | None = None,
    pinned_jwks: Path | None = None,
    timeout: float = 3.0,
    retries: int = 2,
    backoff: float = 0.05,
    breaker_failures: int = 5,
    breaker_reset: float = 30.0,
    parallel: int = 16,
) -> ExchangeClient:
    """A client for the registries at ``base_url`` with its own HTTP pool, trust and breakers."""
    http = httpx.Client(
        limits=httpx.Limits(max_connections=parallel * 4, max_keepalive_connections=parallel * 2),
        headers={"User-Agent": "motcua-exchange/1"},
    )
    endpoints = Endpoints(base_url=base_url, overrides=dict(overrides or {}))
    return ExchangeClient(
        endpoints=endpoints,
        trust=RegistryTrust(http=http, jwks_url=endpoints.jwks_url, pinned_file=pinned_jwks),
        http=http,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        breakers=BreakerBoard(failure_threshold=breaker_failures, reset_seconds=breaker_reset),
        parallel=parallel,
    )


@cache
def _client(
    base_url: str,
    overrides: tuple[tuple[str, str], ...],
    pinned: str,
    timeout: float,
    retries: int,
    backoff: float,
    breaker_failures: int,
    breaker_reset: float,
    parallel: int,
) -> ExchangeClient:
    return connect(
        base_url,
        overrides=dict(overrides),
        pinned_jwks=Path(pinned) if pinned else None,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        breaker_failures=breaker_failures,
        breaker_reset=breaker_reset,
        parallel=parallel,
    )


def default_client() -> ExchangeClient:
    """This process's client for the configured registries (a new one if the settings change)."""
    return _client(
        settings.MOTCUA_REGISTRIES_URL,
        tuple(sorted(settings.MOTCUA_REGISTRY_URLS.items())),
        settings.MOTCUA_REGISTRIES_JWKS_FILE,
        settings.MOTCUA_EXCHANGE_TIMEOUT_MS / 1000,
        settings.MOTCUA_EXCHANGE_RETRIES,
        settings.MOTCUA_EXCHANGE_BACKOFF_MS / 1000,
        settings.MOTCUA_EXCHANGE_BREAKER_FAILURES,
        settings.MOTCUA_EXCHANGE_BREAKER_RESET_SECONDS,
        settings.MOTCUA_EXCHANGE_PARALLEL,
    )
