"""The "Đề xuất cho bạn" pages (ADR 0064): a person's open offers, each with the change and the
data that led to it; dismiss one, take one (a prefilled application in one step), turn one kind
or every offer off. Views only read the request and call one service."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.errors import MotcuaError, NotFound
from motcua.identity.permissions import applicant_of, applicant_required
from motcua.proactive import presenters, selectors, services
from motcua.units import selectors as units


@applicant_required
def offers(request: HttpRequest) -> HttpResponse:
    actor = applicant_of(request)
    rows = list(selectors.open_offers(actor)[:100])
    preferences = selectors.preferences_of(actor)
    return render(
        request,
        "proactive/offers.html",
        {
            "offers": presenters.offer_views(rows),
            "all_off": preferences.all_off,
            "rules_off": preferences.rules_off,
        },
    )


@applicant_required
@require_POST
def dismiss(request: HttpRequest, public_id: str) -> HttpResponse:
    services.dismiss_offer(actor=applicant_of(request), public_id=public_id)
    return redirect("proactive:offers")


@applicant_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    actor = applicant_of(request)
    if action in {"all_off", "all_on"}:
        services.set_preferences(actor=actor, all_off=action == "all_off")
    elif action in {"rule_off", "rule_on"}:
        services.set_preferences(
            actor=actor, rule=request.POST.get("rule", ""), rule_off=action == "rule_off"
        )
    else:
        raise MotcuaError("Unknown action.")
    return redirect("proactive:offers")


@applicant_required
@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, public_id: str) -> HttpResponse:
    """Where to apply (province, then commune), then the prefilled application."""
    actor = applicant_of(request)
    offer = selectors.get_offer(actor, public_id)
    [view] = presenters.offer_views([offer])
    params = request.POST if request.method == "POST" else request.GET
    province_code = params.get("province", "")
    commune_code = params.get("commune", "")
    error = ""
    if request.method == "POST":
        try:
            draft = services.take_offer(actor=actor, public_id=public_id, commune_code=commune_code)
        except NotFound:
            raise
        except MotcuaError as exc:
            error = exc.message
        else:
            if draft.consent is None:
                return redirect("dossiers:consent", public_id=draft.public_id)
            return redirect("dossiers:draft", public_id=draft.public_id)
    return render(
        request,
        "proactive/take.html",
        {
            "offer": view,
            "provinces": list(units.list_provinces()),
            "communes": list(units.communes_of_province(province_code)) if province_code else [],
            "province_code": province_code,
            "commune_code": commune_code,
            "error": error,
        },
        status=400 if error else 200,
    )
