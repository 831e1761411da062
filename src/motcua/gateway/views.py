"""The gateway's pages (pay with a demo card or cancel; a VietQR transfer from the demo bank app)
and its API (signed query, refund, statement; the fault switch for tests and demos)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.gateway import conf, services
from motcua.gateway.accounts import DEMO_CARDS
from motcua.gateway.models import Transaction

UNAVAILABLE = "Cổng thanh toán tạm thời gián đoạn. Vui lòng thử lại sau."


def _error_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "gateway/error.html", {"message": message}, status=status)


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    """GET: the signed request from the merchant, the card form. POST: the card (or cancel)."""
    if services.failing():
        return _error_page(request, UNAVAILABLE, 503)
    params = {name: str(value) for name, value in request.GET.items()}
    try:
        txn = services.open_payment(params)
    except services.GatewayError as error:
        return _error_page(request, f"Yêu cầu thanh toán không hợp lệ ({error.code}): {error}", 400)
    if request.method == "GET" or txn.status != "pending":
        if txn.status != "pending":
            return _back(txn)
        return render(request, "gateway/pay.html", {"txn": txn, "cards": DEMO_CARDS.values()})
    try:
        txn = services.pay_with_card(
            txn.id, card_number=request.POST.get("card", ""), cancel="cancel" in request.POST
        )
    except services.GatewayError as error:
        return render(
            request,
            "gateway/pay.html",
            {"txn": txn, "cards": DEMO_CARDS.values(), "error": str(error)},
            status=400,
        )
    return _back(txn)


def _back(txn: Transaction) -> HttpResponse:
    """The browser goes back to the merchant's return URL with the signed result (display only)."""
    separator = "&" if "?" in txn.return_url else "?"
    return HttpResponseRedirect(f"{txn.return_url}{separator}{urlencode(services.result_params(txn))}")


@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest) -> HttpResponse:
    """The demo bank app: paste a VietQR payload (what scanning it gives) and send the money."""
    if services.failing():
        return _error_page(request, UNAVAILABLE, 503)
    if request.method == "GET":
        return render(request, "gateway/transfer.html", {})
    try:
        txn = services.transfer(request.POST.get("payload", ""))
    except services.GatewayError as error:
        return render(request, "gateway/transfer.html", {"error": str(error)}, status=400)
    return render(request, "gateway/transferred.html", {"txn": txn})


@csrf_exempt  # signed by the merchant's secret, not a browser form
@require_POST
def transaction_api(request: HttpRequest) -> HttpResponse:
    if services.failing():
        return JsonResponse({"vnp_ResponseCode": "99", "vnp_Message": UNAVAILABLE}, status=503)
    try:
        params = json.loads(request.body)
        if not isinstance(params, dict):
            raise ValueError
    except ValueError:
        return JsonResponse(
            {"vnp_ResponseCode": "03", "vnp_Message": "The body must be a JSON object."}, status=400
        )
    try:
        return JsonResponse(services.api(params))
    except services.GatewayError as error:
        return JsonResponse({"vnp_ResponseCode": error.code, "vnp_Message": str(error)}, status=200)


@csrf_exempt  # tests and demos only (refused in production by the settings)
@require_http_methods(["GET", "POST"])
def faults(request: HttpRequest) -> HttpResponse:
    if not conf.faults_allowed():
        return JsonResponse({"error": "The fault switch is off."}, status=404)
    if request.method == "POST":
        try:
            body = json.loads(request.body)
            services.set_fault(str(body.get("mode", "none")), int(body.get("delay_ms", 0)))
        except (ValueError, AttributeError, TypeError, services.GatewayError) as error:
            return JsonResponse({"error": str(error)}, status=400)
    switch = services.fault()
    return JsonResponse({"mode": switch.mode, "delay_ms": switch.delay_ms})


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})
