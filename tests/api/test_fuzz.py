"""The API fuzzed: no operation may answer with a server error, whatever the input, and every
error answer is JSON ``{code, message}``, for an anonymous caller, an applicant, two officials
(a reception officer, who may receive at the counter and decide at reception, and a handler) and an
agency system with a bearer token (an integrator client with the reception role).

Two tests. The first generates cases from the API's own OpenAPI schema (schemathesis), valid and
invalid, each sent by every caller. The second sends what a schema never describes (issue 15):
raw bodies (bytes, truncated or deeply nested JSON, strings with NUL, lone surrogates or 100,000
characters), broken multipart forms (no boundary, a part's headers over Django's limit, eleven
files, a missing end), odd headers (content types, charsets, languages, hosts, request ids,
CSRF tokens) and odd path and query values, to every operation, as a caller drawn per case.

Bounded for CI: a few cases per operation (``MOTCUA_FUZZ_EXAMPLES``, default 3) in each test;
``MOTCUA_FUZZ_NIGHTLY=1`` runs about 10,000 cases in all (``MOTCUA_FUZZ_CASES`` to choose
another total) for a nightly job. The cases are reproducible but not the same on both databases:
the seed is the database's (SQLite 1, PostgreSQL 2, or ``MOTCUA_FUZZ_SEED``), so the two passes
of ``make test`` try different inputs. The world is the access matrix's (drafts, a dossier, a
file, officials), built once for the module, and the registries are the real test server, so
operations that pull data really call it.
"""

from __future__ import annotations

import json
import math
import os
import re
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import seed as hypothesis_seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from tests.identity.world import PDF, World
from tests.inprocess import keep_the_test_connection
from werkzeug.test import Client as WsgiClient

from motcua.api.api import api
from motcua.wsgi import application

OPENAPI = api.get_openapi_schema(path_prefix="/api/v1/")
OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in OPENAPI["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
)


def _examples() -> int:
    """Cases per operation in each test: the bounded CI run, or a nightly-sized one."""
    if os.environ.get("MOTCUA_FUZZ_NIGHTLY") == "1" or os.environ.get("MOTCUA_FUZZ_CASES"):
        total = int(os.environ.get("MOTCUA_FUZZ_CASES") or "10000")
        return max(1, math.ceil(total / (2 * len(OPERATIONS))))
    return int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "3"))


EXAMPLES = _examples()
SEED = int(
    os.environ.get("MOTCUA_FUZZ_SEED")
    or ("2" if os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")) else "1")
)
CALLERS = [
    "anonymous",
    "applicant_a",
    "reception_a",
    "handler_a",
    "client_reception_a",
]  # reception: the counter, reception decisions; the client: the token endpoint and the inbox


def _load_schema() -> Any:
    """The schema the API publishes at /api/v1/openapi.json, built without a request (the
    database is not open at collection), with calls going to the WSGI application in-process."""
    loaded = schemathesis.openapi.from_dict(OPENAPI)
    loaded.app = application
    return loaded


schema = _load_schema()


@pytest.fixture
def world(world_copy: World, settings: Any) -> World:
    settings.MOTCUA_RATE_LIMITS = {
        **settings.MOTCUA_RATE_LIMITS,
        "api_address": "1000000/m",
        "api_user": "1000000/m",
        "lookup_address": "1000000/m",
        "lookup_failures_address": "1000000/h",
        "api_client": "1000000/m",
        "token_client": "1000000/h",
    }
    return world_copy


def _session(world: World, name: str) -> tuple[dict[str, str], dict[str, str]]:
    if name in world.tokens:  # an agency system: no cookies, its bearer token
        return {}, {"Authorization": f"Bearer {world.tokens[name]}"}
    return _browser(world.client(name))


def _browser(client: Client) -> tuple[dict[str, str], dict[str, str]]:
    """The cookies and the CSRF header a browser with this client's session would send."""
    client.get("/")  # sets the CSRF cookie
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    return cookies, {"X-CSRFToken": cookies.get("csrftoken", "")}


Sessions = dict[str, tuple[dict[str, str], dict[str, str]]]


@pytest.fixture(scope="module")
def module_sessions(module_world: tuple[World, Any], django_db_blocker: Any) -> Sessions:
    """Signed-in sessions (the officials' through password + TOTP), made once for the module
    inside the module world's transaction, so that every case of both tests reuses them."""
    shared, _uploads = module_world
    with django_db_blocker.unblock():
        return {name: _session(shared, name) for name in CALLERS if name != "anonymous"}


@pytest.fixture
def callers(world: World, module_sessions: Sessions) -> Sessions:
    return module_sessions


def _error_is_shaped(status: int, content_type: str, content: bytes) -> None:
    """An error answer under /api/v1 is UTF-8 JSON with a code and a message."""
    if status < 400:
        return
    assert content_type.startswith("application/json"), (status, content_type, content[:200])
    body = json.loads(content.decode("utf-8"))
    assert isinstance(body, dict), body
    assert isinstance(body.get("code"), str), body
    assert body["code"]
    assert isinstance(body.get("message"), str), body
    assert body["message"]


def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schemathesis check: ``_error_is_shaped`` on the case's answer."""
    content_type = (response.headers.get("content-type") or [""])[0]
    _error_is_shaped(response.status_code, content_type, response.content)
    return None


@schema.parametrize()  # type: ignore[untyped-decorator]
@hypothesis_seed(SEED)
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing kept between runs: the seed alone decides the cases
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(case: Any, callers: Any) -> None:
    checks = [not_a_server_error, error_shape]
    with keep_the_test_connection():
        for caller in CALLERS:
            if caller == "anonymous":
                case.call_and_validate(checks=checks)
                continue
            cookies, headers = callers[caller]
            case.call_and_validate(
                headers={**(case.headers or {}), **headers}, cookies=cookies, checks=checks
            )


# --- What no schema describes ------------------------------------------------------------------------

BAD_TEXT = st.sampled_from(["\x00", "\ud800", "\x07", "a\x00b", "x" * 100_000, "Đăng ký", "", " ", "%00"])
ODD_TEXT = st.one_of(BAD_TEXT, st.text(max_size=40))


def _json_text(value: Any) -> bytes:
    return json.dumps(value).encode()


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


JSON_BODIES = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.sampled_from([b"{", b'{"values": ', b"null", b"[]", b"1e999999", b'"\\ud800"', b"9" * 5000]),
    st.integers(min_value=10, max_value=200_000).map(_nested),
    st.dictionaries(st.text(max_size=20), st.one_of(BAD_TEXT, st.integers(), st.none()), max_size=5).map(
        _json_text
    ),
    st.builds(lambda text: _json_text({"values": {"child_full_name": text}, "reason": text}), BAD_TEXT),
)


def _part(name: str, value: bytes, file_name: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{file_name}"' if file_name is not None else "")
    return f"Content-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"


def _multipart(parts: list[bytes], *, boundary: str = "FUZZ", end: bool = True) -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part for part in parts)
    return body + (b"--" + boundary.encode() + b"--\r\n" if end else b"")


MULTIPART = "multipart/form-data; boundary=FUZZ"
FORM_BODIES = st.sampled_from(
    [
        ("multipart/form-data", b"--x\r\n"),  # no boundary
        ("multipart/form-data; boundary=", b"----\r\n"),
        (MULTIPART, _multipart([_part("file", PDF, "á" * 1000 + ".pdf")])),  # headers past the limit
        (MULTIPART, _multipart([_part("scans", PDF, f"{i}.pdf") for i in range(11)])),  # 11 files
        (MULTIPART, _multipart([_part("file", PDF, "scan.pdf")], end=False)),  # no closing boundary
        (MULTIPART, _multipart([_part("entries", b'{"child_full_name": "\\ud800"}')])),
        (MULTIPART, _multipart([_part("entries", b"[" * 100_000)])),
        (MULTIPART, _multipart([_part("reason", b"a\x00b"), _part("file", b"\x00" * 64, "a\x00.pdf")])),
        (MULTIPART, _multipart([_part("x" * 2000, b"v")])),
        ("application/x-www-form-urlencoded", b"a=%00&b=" + b"x" * 30_000),
        ("application/x-www-form-urlencoded", b"&".join(b"f%d=1" % i for i in range(1200))),
    ]
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-16",
        "application/json; charset=nonsense",
        "text/plain",
        "application/octet-stream",
        "application/x-www-form-urlencoded; charset=latin-1",
        "multipart/mixed; boundary=x",
        "\x7f/\x00",
        "",
    ]
)
ODD_HEADERS = st.dictionaries(
    st.sampled_from(["Accept-Language", "Accept", "X-Request-ID", "X-CSRFToken", "Host", "Cookie", "Origin"]),
    st.sampled_from(
        [
            "vi",
            "en-US,en;q=0.5",
            "xx-YY;q=abc",
            "*",
            "a" * 5000,
            "é",
            "evil.example",
            "localhost:99999",
            "sessionid=\x00; csrftoken=bad",
            "application/xml",
            "null",
        ]
    ),
    max_size=3,
)


@st.composite
def malformed_requests(draw: Any) -> dict[str, Any]:
    """One malformed request for some operation: its body, headers, path and query, sent
    anonymously or as the operation's audience."""
    kind = draw(st.sampled_from(["json", "form", "content_type", "headers", "path_and_query"]))
    request: dict[str, Any] = {"kind": kind, "body": b"", "headers": {}, "query": "", "odd_path": None}
    if kind == "json":
        request["body"] = draw(JSON_BODIES)
        request["headers"]["Content-Type"] = "application/json"
    elif kind == "form":
        content_type, body = draw(FORM_BODIES)
        request["body"], request["headers"]["Content-Type"] = body, content_type
    elif kind == "content_type":
        request["body"] = draw(st.sampled_from([b"{}", b'{"values": {}}', PDF, b"\xff\xfe{\x00}\x00"]))
        request["headers"]["Content-Type"] = draw(CONTENT_TYPES)
    elif kind == "headers":
        request["headers"].update(draw(ODD_HEADERS))
        request["body"] = b"{}"
        request["headers"].setdefault("Content-Type", "application/json")
    else:
        request["odd_path"] = draw(ODD_TEXT)
        pairs = draw(st.lists(st.tuples(ODD_TEXT, ODD_TEXT), max_size=3))
        request["query"] = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
    request["signed_in"] = draw(st.booleans())
    return request


def _path_values(world: World) -> dict[str, str]:
    """Real values for path parameters, so that the malformed parts reach the operation."""
    assert world.draft is not None
    assert world.dossier is not None
    assert world.file is not None
    return {
        "draft_id": str(world.draft.public_id),
        "code": world.dossier.code,
        "file_id": str(world.file.public_id),
        "component_id": "birth-certificate",
        "agency_code": "UBND.00004",
        "item_id": str(world.kept_item.public_id) if world.kept_item else "x",
        "result_id": str(world.result_item.result.public_id)
        if world.result_item and world.result_item.result
        else "x",
        "channel": "email",
        "delivery_id": "00000000-0000-4000-8000-000000000000",
        "reference": world.payment.reference if world.payment else "x",
        "mismatch_id": "1",
    }


_PARAMETER = re.compile(r"{([a-z_]+)}")


def _audience(method: str, path: str) -> str:
    """The account an operation is for (its first security scheme), one of ``CALLERS``: the
    malformed requests are sent anonymously or as that account, which is signed in once."""
    security = OPENAPI["paths"][path][method.lower()].get("security") or [{}]
    scheme = next(iter(security[0]), "")
    if scheme == "OfficialAuth":
        return "reception_a" if len(path) % 2 else "handler_a"
    return "applicant_a" if scheme else "anonymous"


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_malformed_request_answers_with_a_server_error(
    world: World, callers: Sessions, method: str, path: str
) -> None:
    values = _path_values(world)
    client = WsgiClient(application)
    audience = _audience(method, path)
    session = callers.get(audience)

    @hypothesis_seed(SEED)
    @hypothesis_settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(request=malformed_requests())
    def send(request: dict[str, Any]) -> None:
        def fill(match: re.Match[str]) -> str:
            if request["odd_path"] is not None:
                return quote(request["odd_path"], safe="")
            return quote(values.get(match.group(1), "x"), safe="")

        url = _PARAMETER.sub(fill, path)
        headers = {key: value for key, value in request["headers"].items()}
        if request["signed_in"] and session is not None:
            cookies, csrf = session
            headers.setdefault("X-CSRFToken", csrf["X-CSRFToken"])
            headers.setdefault("Cookie", "; ".join(f"{name}={value}" for name, value in cookies.items()))
        response = client.open(
            url,
            method=method,
            query_string=request["query"],
            data=request["body"],
            headers=[(k, v) for k, v in headers.items() if k != "Content-Type"],
            content_type=headers.get("Content-Type", ""),
        )
        assert response.status_code < 500, (method, url, request["kind"], response.get_data()[:500])
        if response.request.path.startswith("/api/v1/") and "/docs" not in response.request.path:
            _error_is_shaped(
                response.status_code, response.headers.get("Content-Type", ""), response.get_data()
            )

    with keep_the_test_connection():
        send()


# --- the petition endpoints of issue 19's second part, with real codes and keys ------------------
# (the two tests above reach them with a dossier's code, which they refuse early): a petition
# sent without an account (its contact, its key), the world's petitions, and odd bodies.
PETITION_OPERATIONS = [
    ("post", "/api/v1/public/petitions/{code}/contacts/{channel}/code", "anonymous"),
    ("post", "/api/v1/public/petitions/{code}/contacts/{channel}/verify", "anonymous"),
    ("post", "/api/v1/public/petitions/{code}/contacts/{channel}/stop", "anonymous"),
    ("put", "/api/v1/officials/petitions/{asked}/repeat-of", "handler_a"),
    ("delete", "/api/v1/officials/petitions/{asked}/repeat-of", "handler_a"),
    ("post", "/api/v1/officials/petitions", "reception_a"),
]
PETITION_BODIES = st.fixed_dictionaries(
    {},
    optional={
        name: st.one_of(ODD_TEXT, st.integers(), st.none(), st.booleans())
        for name in (
            "access_key",
            "code",
            "language",
            "agency_code",
            "channel",
            "category",
            "subject",
            "content",
            "contact_name",
            "contact_email",
            "contact_phone",
            "procedure_code",
        )
    },
)


@pytest.mark.parametrize(("method", "path", "audience"), PETITION_OPERATIONS)
def test_the_petition_endpoints_answer_odd_bodies_without_a_server_error(
    world: World, callers: Sessions, method: str, path: str, audience: str
) -> None:
    from motcua.feedback.services import petitions as petition_services

    assert world.petition is not None
    assert world.asked_petition is not None
    sent = petition_services.send_petition(
        actor=None,
        category="regulation",
        subject="Biểu mẫu khó hiểu",
        content="Tờ khai có nhiều mục khó hiểu với người dân.",
        commune_code="00004",
        contact_name="Đỗ Văn Nam",
        contact_email="nam@example.vn",
        contact_phone="0912 345 678",
    )
    client = WsgiClient(application)
    session = callers.get(audience)

    @hypothesis_seed(SEED)
    @hypothesis_settings(
        max_examples=EXAMPLES * 3, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        body=PETITION_BODIES,
        keyed=st.booleans(),
        channel=st.sampled_from(["email", "sms", "fax", ""]),
        code=st.sampled_from(["sent", "petition", "odd"]),
    )
    def send(body: dict[str, Any], keyed: bool, channel: str, code: str) -> None:
        if keyed:
            body = {**body, "access_key": sent.access_key}
        petition, asked = world.petition, world.asked_petition
        assert petition is not None
        assert asked is not None
        if code == "petition" and "code" not in body:
            body = {**body, "code": petition.code}
        codes = {"sent": sent.petition.code, "petition": petition.code, "odd": "PAKN-%00"}
        url = (
            path.replace("{code}", quote(codes[code], safe=""))
            .replace("{channel}", channel or "x")
            .replace("{asked}", asked.code)
        )
        headers: dict[str, str] = {}
        if session is not None:
            cookies, csrf = session
            headers = {**csrf, "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if path == "/api/v1/officials/petitions":  # a multipart form (scans)
            payload: Any = {name: "" if value is None else str(value) for name, value in body.items()}
            content_type = ""
        else:
            payload, content_type = json.dumps(body).encode(), "application/json"
        response = client.open(
            url, method=method.upper(), data=payload, headers=list(headers.items()), content_type=content_type
        )
        # 503: a code that could not be sent (no mail server or SMS gateway in this world)
        assert response.status_code < 500 or response.status_code == 503, (
            method,
            url,
            body,
            response.get_data()[:500],
        )
        _error_is_shaped(response.status_code, response.headers.get("Content-Type", ""), response.get_data())

    with keep_the_test_connection():
        send()


# --- payments (h18): the gateway's notification with any parameters, signed or not, and the
# finance operations with any body, as the platform administrator who may use them


VNP_FIELDS = (
    "vnp_TxnRef", "vnp_Amount", "vnp_CurrCode", "vnp_ResponseCode", "vnp_TransactionStatus",
    "vnp_TmnCode", "vnp_TransactionNo", "vnp_SecureHash", "vnp_SecureHashType", "vnp_CardType",
)  # fmt: skip
IPN_REPLIES = {"00", "01", "02", "04", "97", "99"}


@hypothesis_seed(SEED)
@hypothesis_settings(max_examples=EXAMPLES * 10, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    fields=st.dictionaries(
        st.one_of(st.sampled_from(VNP_FIELDS), ODD_TEXT),
        st.one_of(ODD_TEXT, st.integers().map(str)),
        max_size=8,
    ),
    sign=st.booleans(),
)
def test_any_payment_notification_gets_a_protocol_reply(
    world: World, settings: Any, fields: Any, sign: bool
) -> None:
    from motcua.protocol import payments as wire

    settings.MOTCUA_PAYMENT_SECRET = "fuzz-merchant-secret-0123456789abcdef"
    settings.MOTCUA_PAYMENT_MERCHANT = "MOTCUA"
    params = {name: value for name, value in fields.items() if _encodable(name + value)}
    if world.payment is not None and sign:
        params.setdefault("vnp_TxnRef", world.payment.reference)
        params["vnp_TmnCode"] = "MOTCUA"
        params = {
            k: v
            for k, v in params.items()
            if k.startswith("vnp_") and k not in {"vnp_SecureHash", "vnp_SecureHashType"}
        }
        params = wire.signed(params, settings.MOTCUA_PAYMENT_SECRET.encode())
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params.items())
    answer = Client().get(f"/api/v1/payments/ipn?{query}", REMOTE_ADDR="198.51.100.7")
    assert answer.status_code < 500, answer.content[:300]
    if answer.status_code == 200:
        assert answer.json()["RspCode"] in IPN_REPLIES
    else:
        _error_is_shaped(answer.status_code, answer["Content-Type"], answer.content)


def _encodable(text: str) -> bool:
    """What a URL can carry at all (a lone surrogate cannot be encoded)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_ADMIN_CLIENTS: dict[int, Client] = {}


FINANCE_POSTS = (
    "/api/v1/finance/payments/{reference}/refunds",
    "/api/v1/finance/mismatches/1/resolve",
    "/api/v1/finance/reconciliations",
)
ANY_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), ODD_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(ODD_TEXT, inner, max_size=3)),
    max_leaves=8,
)


@hypothesis_seed(SEED)
@hypothesis_settings(max_examples=EXAMPLES * 10, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(FINANCE_POSTS),
    body=st.one_of(
        ANY_JSON,
        st.fixed_dictionaries(
            {
                "amount_vnd": st.one_of(st.integers(), ODD_TEXT),
                "reason": st.one_of(st.sampled_from(["refused", "other"]), ODD_TEXT),
                "treasury": st.just(True),
                "resolution": st.one_of(st.sampled_from(["settled", "noted"]), ODD_TEXT),
                "note": ODD_TEXT,
                "day": st.one_of(st.dates().map(str), ODD_TEXT),
            }
        ),
    ),
)
def test_no_finance_request_answers_with_a_server_error(world: World, path: str, body: Any) -> None:
    reference = world.payment.reference if world.payment else "x"
    client = _ADMIN_CLIENTS.get(id(world))
    if client is None:  # signed in once for all the examples (sign-ins are rate-limited)
        _ADMIN_CLIENTS.clear()
        client = _ADMIN_CLIENTS[id(world)] = world.client("platform_admin")
    answer = client.post(path.format(reference=reference), json.dumps(body), content_type="application/json")
    assert answer.status_code < 500, answer.content[:300]
    _error_is_shaped(answer.status_code, answer["Content-Type"], answer.content)
