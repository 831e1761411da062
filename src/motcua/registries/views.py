"""HTTP endpoints of the reference registries. The signed endpoints take the compact JWS as the
request body (``Content-Type: application/jose``) and answer with a signed one; views only read
the body and hand it to one service."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.protocol import ACCESS_LOG_AUDIENCE, CONTENT_TYPE, MAX_MESSAGE_BYTES, PING_AUDIENCE
from motcua.registries import conf, services, tsa
from motcua.registries.data.records import REGISTRIES, fetch, select
from motcua.registries.keys import public_jwks


def _token(request: HttpRequest) -> str:
    body = request.body[: MAX_MESSAGE_BYTES + 1]
    return body.decode("ascii", errors="replace").strip()


def _jose(answer: services.Answer) -> HttpResponse:
    return HttpResponse(answer.token, status=answer.http_status, content_type=CONTENT_TYPE)


@csrf_exempt
@require_POST
def query(request: HttpRequest, registry: str) -> HttpResponse:
    return _jose(services.answer_query(registry, _token(request)))


@csrf_exempt
@require_POST
def write(request: HttpRequest, registry: str) -> HttpResponse:
    return _jose(services.answer_write(registry, _token(request)))


@csrf_exempt
@require_POST
def changes(request: HttpRequest, registry: str) -> HttpResponse:
    return _jose(services.answer_feed(registry, _token(request)))


@csrf_exempt
@require_POST
def access_log(request: HttpRequest) -> HttpResponse:
    return _jose(services.answer_signed_call(_token(request), audience=ACCESS_LOG_AUDIENCE))


@csrf_exempt
@require_POST
def ping(request: HttpRequest) -> HttpResponse:
    return _jose(services.answer_signed_call(_token(request), audience=PING_AUDIENCE))


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(public_jwks())


@require_GET
def catalogue(request: HttpRequest) -> JsonResponse:
    """What each registry holds (no personal data): for integrators writing procedure specs."""
    return JsonResponse(
        {
            "registries": [
                {
                    "code": definition.code,
                    "name_vi": definition.name_vi,
                    "name_en": definition.name_en,
                    "subject_kinds": sorted(definition.subject_kinds),
                    "multiple": definition.multiple,
                    "fields": sorted(definition.fields),
                }
                for definition in REGISTRIES.values()
            ]
        }
    )


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def direct(request: HttpRequest, registry: str) -> JsonResponse:
    """Benchmarks only (``MOTCUA_REGISTRIES_DIRECT_ENDPOINT=1``, refused in production): the same
    lookup as a query, unsigned and unlogged, to measure what signing and logging cost."""
    if not conf.direct_endpoint() or registry not in REGISTRIES:
        raise Http404
    services.delay(registry)
    fields = [name for name in request.GET.get("fields", "").split(",") if name]
    record = fetch(registry, request.GET.get("subject", ""))
    return JsonResponse(
        {"status": "ok" if record else "not_found", "data": select(record, fields) if record else None}
    )


@csrf_exempt
@require_POST
def timestamp(request: HttpRequest) -> HttpResponse:
    """RFC 3161: a time-stamp token for the digest in the request (``registries.tsa``)."""
    if request.content_type != tsa.QUERY_TYPE:
        return HttpResponse(f"Send {tsa.QUERY_TYPE}.", status=415, content_type="text/plain")
    try:
        reply = tsa.answer(request.body)
    except ValueError:
        return HttpResponse("Not a time-stamp request.", status=400, content_type="text/plain")
    except tsa.TsaUnavailable:
        return HttpResponse("No timestamp authority configured.", status=503, content_type="text/plain")
    return HttpResponse(reply, content_type=tsa.REPLY_TYPE)
