"""The finance officer's pages (Role.FINANCE at the collecting agency, or a platform
administrator): the ledger by dossier, agency or beneficiary account; the reconciliation's
mismatches and the action on each (always with a reason; nothing is corrected silently); and
refunds, to the card through the gateway or ordered through the State Treasury."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.errors import MotcuaError
from motcua.identity.permissions import official_of, official_required
from motcua.payments import finance, selectors
from motcua.payments.finance import REFUND_REASONS, RESOLUTIONS


@official_required
def ledger(request: HttpRequest) -> HttpResponse:
    actor = official_of(request)
    filters = {name: request.GET.get(name, "").strip()[:64] for name in ("dossier", "agency", "account")}
    lines = selectors.ledger_filtered(
        actor, dossier=filters["dossier"], agency=filters["agency"], account=filters["account"]
    )
    return render(
        request,
        "payments/finance_ledger.html",
        {
            "lines": lines,
            "filters": filters,
            "total": sum(line.amount_vnd for line in lines if line.kind != "obligation"),
        },
    )


@official_required
@require_http_methods(["GET", "POST"])
def reconciliation(request: HttpRequest) -> HttpResponse:
    actor = official_of(request)
    selectors.require_finance_view(actor)
    error, status = "", 200
    day_text = request.POST.get("day", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            day = datetime.date.fromisoformat(day_text)
            finance.reconcile(actor=actor, day=day)
        except ValueError:
            error, status = _("Enter the day as YYYY-MM-DD."), 400
        except MotcuaError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, _("Reconciled %(day)s.") % {"day": day.strftime("%d/%m/%Y")})
            return redirect("payments:finance-reconciliation")
    return render(
        request,
        "payments/finance_reconciliation.html",
        {
            "mismatches": selectors.open_mismatches(actor),
            "error": error,
            "day": day_text or finance.yesterday().isoformat(),
            "resolutions": sorted(RESOLUTIONS),
        },
        status=status,
    )


@official_required
@require_POST
def resolve(request: HttpRequest, mismatch_id: int) -> HttpResponse:
    actor = official_of(request)
    found = selectors.finance_mismatch(actor, mismatch_id)
    try:
        finance.resolve_mismatch(
            actor=actor,
            mismatch_id=found.id,
            resolution=request.POST.get("resolution", ""),
            note=request.POST.get("note", "")[:500],
        )
    except MotcuaError as exc:
        return render(
            request,
            "payments/finance_reconciliation.html",
            {
                "mismatches": selectors.open_mismatches(actor),
                "error": exc.message,
                "day": finance.yesterday().isoformat(),
                "resolutions": sorted(RESOLUTIONS),
            },
            status=400,
        )
    messages.success(request, _("The mismatch is resolved."))
    return redirect("payments:finance-reconciliation")


@official_required
@require_http_methods(["GET", "POST"])
def refund(request: HttpRequest, reference: str) -> HttpResponse:
    actor = official_of(request)
    payment = selectors.finance_payment(actor, reference)
    error, status = "", 200
    if request.method == "POST":
        try:
            amount = int(request.POST.get("amount_vnd", "").replace(".", "").strip())
        except ValueError:
            error, status = _("Enter the amount in đồng, digits only."), 400
        else:
            try:
                finance.refund(
                    actor=actor,
                    payment=payment,
                    amount_vnd=amount,
                    reason=request.POST.get("reason", ""),
                    treasury=request.POST.get("treasury") == "1",
                    note=request.POST.get("note", "")[:200],
                )
            except MotcuaError as exc:
                error, status = exc.message, 400
            else:
                messages.success(request, _("The refund is recorded."))
                return redirect(f"{request.path}")
        payment = selectors.finance_payment(actor, reference)
    return render(
        request,
        "payments/finance_refund.html",
        {
            "payment": payment,
            "left": payment.amount_vnd - payment.refunded_vnd,
            "refunds": [line for line in selectors.ledger_of_payment(payment) if line.kind == "refund"],
            "reasons": sorted(REFUND_REASONS),
            "error": error,
        },
        status=status,
    )
