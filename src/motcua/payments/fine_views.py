"""The citizen's payment of a camera-detected traffic fine: POST from the fines page creates (or
reuses) the fine's obligation and sends the browser to the gateway; GET is where the gateway sends
it back, display only (only the signed notification, or a signed query, marks it paid)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from motcua.core import ratelimit
from motcua.core.errors import MotcuaError, NotFound
from motcua.identity.permissions import applicant_of, applicant_required
from motcua.payments import fines, services
from motcua.payments.models import Payment


@applicant_required
@require_http_methods(["GET", "POST"])
def pay_fine(request: HttpRequest, violation_id: str) -> HttpResponse:
    actor = applicant_of(request)
    if request.method == "GET":
        return render(request, "payments/fine.html", {"payment": fines.fine_payment(actor, violation_id)})
    try:
        payment = fines.fine_obligation(actor=actor, violation_id=violation_id)
        url = services.start_payment(
            actor=actor,
            payment=payment,
            return_url=request.build_absolute_uri(reverse("payments:fine", args=[violation_id])),
            locale=get_language() or "vi",
            ip=ratelimit.client_address(request),
        )
    except NotFound:
        raise  # not one of theirs: 404, whatever exists
    except MotcuaError as exc:
        try:
            existing: Payment | None = fines.fine_payment(actor, violation_id)
        except NotFound:
            existing = None
        return render(request, "payments/fine.html", {"payment": existing, "error": exc.message}, status=409)
    return redirect(url)
