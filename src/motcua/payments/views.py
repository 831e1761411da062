"""The applicant's payment pages: the payment request of a dossier and paying it at the gateway;
the page the gateway sends the browser back to, which only displays what the platform knows
(only the gateway's signed notification, or a signed query answer, marks a fee paid)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core import ratelimit
from motcua.core.errors import MotcuaError
from motcua.identity.permissions import applicant_of, applicant_required, official_of, official_required
from motcua.payments import selectors, services
from motcua.payments.vietqr import qr_svg, vietqr_of


@applicant_required
@require_http_methods(["GET", "POST"])
def payment(request: HttpRequest, code: str) -> HttpResponse:
    actor = applicant_of(request)
    found = selectors.payment_of_dossier(actor, code)
    error = ""
    if request.method == "POST":
        try:
            url = services.start_payment(
                actor=actor,
                payment=found,
                return_url=request.build_absolute_uri(reverse("payments:result", args=[found.subject_code])),
                locale=get_language() or "vi",
                ip=ratelimit.client_address(request),
            )
        except MotcuaError as exc:
            error = exc.message
        else:
            return redirect(url)
    return render(request, "payments/payment.html", {"payment": found, "error": error})


@applicant_required
def result(request: HttpRequest, code: str) -> HttpResponse:
    """Where the gateway sends the browser back: display only, whatever its parameters say."""
    found = selectors.payment_of_dossier(applicant_of(request), code)
    return render(request, "payments/result.html", {"payment": found})


@official_required
def counter(request: HttpRequest, code: str) -> HttpResponse:
    """The reception officer's counter screen: the dossier's dynamic VietQR for the person to scan
    with their banking app, never cash. The transfer counts only when the gateway notifies it."""
    found = selectors.counter_payment(official_of(request), code)
    context: dict[str, object] = {"payment": found}
    if not found.paid:
        payload = vietqr_of(found).payload()
        context |= {
            "payload": payload,
            "qr_svg": qr_svg(payload, title=_("VietQR to pay %(code)s") % {"code": found.subject_code}),
        }
    return render(request, "payments/counter.html", context)
