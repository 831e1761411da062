"""Identity pages: sign-in for applicants (eID) and officials (password + TOTP), the
applicant's own space with representation, and the officials' agency pages.

Views validate input, read through selectors and call one service; they never write models.
"""

from __future__ import annotations

import base64

import segno
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from motcua.catalog import selectors as catalog
from motcua.core.errors import Forbidden, MotcuaError, NotFound
from motcua.core.middleware import too_many_requests
from motcua.documents import selectors as documents
from motcua.identity import selectors, services, throttle
from motcua.identity.actors import ApplicantActor, OfficialActor, actor_for
from motcua.identity.auth import LOGIN_ERROR_SESSION_KEY
from motcua.identity.forms import AuthorisationForm, GrantRoleForm, OfficialSignInForm, TokenForm
from motcua.identity.models import RepresentationBasis, Role, User, UserKind
from motcua.identity.permissions import (
    applicant_required,
    official_required,
    sign_in_step,
    signed_in_official,
)

ENROLMENT_KEY_SESSION = "identity.totp_enrolment_key"
LOGIN_ERRORS = {
    "unavailable": gettext_lazy(
        "The electronic identity service is not reachable. Please try again in a few minutes."
    ),
    "rejected": gettext_lazy(
        "The electronic identity service's answer could not be verified. Please sign in again."
    ),
    "refused": gettext_lazy("Your electronic identity could not be used to sign in. Please contact support."),
}


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return default


# --- applicants -----------------------------------------------------------------------------------


@sign_in_step
def sign_in(request: HttpRequest) -> HttpResponse:
    """Where applicants start: one button to the electronic identity, a link for officials."""
    error_code = request.session.pop(LOGIN_ERROR_SESSION_KEY, "") if hasattr(request, "session") else ""
    error = str(LOGIN_ERRORS[error_code]) if error_code in LOGIN_ERRORS else ""
    if not error and request.GET.get("failed"):
        error = _("Signing in did not complete. Please try again.")
    return render(
        request,
        "identity/sign_in.html",
        {"next": _next_url(request, reverse("identity:my-space")), "error": error},
    )


@sign_in_step
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect("portal:home")


@applicant_required
def my_space(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    assert isinstance(actor, ApplicantActor)
    return render(
        request,
        "identity/my_space.html",
        {
            "applicant": selectors.own_applicant(actor),
            "organisation": selectors.acting_organisation(actor),
            "acting_for": []
            if actor.acts_for_organisation
            else selectors.applicants_actor_may_act_for(actor)[1:],
            "representations": selectors.representations_of(actor),
            "files": documents.files_of(actor),
        },
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def authorisation_new(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    assert isinstance(actor, ApplicantActor)
    own = selectors.own_applicant(actor)
    organisation = selectors.acting_organisation(actor)
    if organisation is not None:  # acting for an organisation: its legal representative authorises
        if actor.organisation_basis != RepresentationBasis.LEGAL_REPRESENTATIVE:
            raise Forbidden(_("Only the organisation's legal representative can authorise for it."))
        grantors = [(str(organisation.public_id), organisation.name)]
    else:
        grantors = [(str(own.public_id), _("Myself"))] + [
            (str(entry.organisation.public_id), entry.organisation.name)
            for entry in selectors.organisations_of(actor)
            if entry.is_legal_representative
        ]
    procedures = [(p.code, p.name_vi) for p in catalog.search_procedures()]
    form = AuthorisationForm(request.POST or None, grantors=grantors, procedures=procedures)
    if request.method == "POST" and form.is_valid():
        grantor = form.cleaned_data["grantor"]
        try:
            representation = services.authorise(
                actor=actor,
                grantor_public_id="" if grantor == str(own.public_id) else grantor,
                representative_personal_id=form.cleaned_data["representative_personal_id"],
                representative_name=form.cleaned_data["representative_name"],
                valid_until=form.cleaned_data["valid_until"],
                scope=form.cleaned_data["scope"],
            )
        except NotFound:
            raise  # the site's error page (core.middleware.DomainErrorMiddleware)
        except MotcuaError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The authorisation is recorded."))
            return redirect("identity:representation-detail", public_id=representation.public_id)
    return render(
        request, "identity/authorisation_new.html", {"form": form}, status=400 if form.errors else 200
    )


@applicant_required
def representation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = actor_for(request)
    representation = selectors.get_representation(actor, public_id)
    return render(
        request,
        "identity/representation_detail.html",
        {"representation": representation, "procedure_names": catalog.procedure_names(representation.scope)},
    )


@applicant_required
@require_POST
def representation_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = actor_for(request)
    assert isinstance(actor, ApplicantActor)
    services.revoke_representation(actor=actor, public_id=public_id)
    messages.success(request, _("The authorisation is revoked."))
    return redirect("identity:representation-detail", public_id=public_id)


# --- officials: sign-in with a second factor --------------------------------------------------------


@sign_in_step
@require_http_methods(["GET", "POST"])
def official_sign_in(request: HttpRequest) -> HttpResponse:
    form = OfficialSignInForm(request.POST or None)
    next_url = _next_url(request, reverse("identity:official-home"))
    if request.method == "POST":
        account = str(request.POST.get("username", "")).strip().lower()
        verdict = throttle.check(request, account)
        if not verdict.allowed:
            return too_many_requests(request, verdict.retry_after)
        if form.is_valid():
            user = auth.authenticate(
                request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
            if isinstance(user, User) and user.kind == UserKind.OFFICIAL:
                throttle.succeeded(account)
                auth.login(request, user, backend="motcua.identity.auth.OfficialBackend")
                step = (
                    "identity:official-second-factor"
                    if TOTPDevice.objects.filter(user=user, confirmed=True).exists()
                    else "identity:official-enrol"
                )
                return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': next_url})}")
            throttle.failed(request, account)
            form.add_error(None, _("The username or password is wrong."))
    status = 400 if form.errors else 200
    return render(request, "identity/official_sign_in.html", {"form": form, "next": next_url}, status=status)


@sign_in_step
@require_http_methods(["GET", "POST"])
def official_second_factor(request: HttpRequest) -> HttpResponse:
    user = signed_in_official(request)
    if user is None:
        return redirect("identity:official-sign-in")
    next_url = _next_url(request, reverse("identity:official-home"))
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        verdict = throttle.check(request, user.username)
        if not verdict.allowed:
            return too_many_requests(request, verdict.retry_after)
        if form.is_valid():
            device = next(
                (
                    device
                    for device in TOTPDevice.objects.filter(user=user, confirmed=True)
                    if device.verify_token(form.cleaned_data["token"])
                ),
                None,
            )
            if device is not None:
                otp_login(request, device)
                services.record_official_sign_in(user=user)
                return HttpResponseRedirect(next_url)
            throttle.failed(request, user.username)
            form.add_error("token", _("The code is wrong or has expired."))
    status = 400 if form.errors else 200
    return render(
        request, "identity/official_second_factor.html", {"form": form, "next": next_url}, status=status
    )


@sign_in_step
@require_http_methods(["GET", "POST"])
def official_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: set up the authenticator app (scan the QR code, confirm one code)."""
    user = signed_in_official(request)
    if user is None:
        return redirect("identity:official-sign-in")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("identity:official-second-factor")
    key_hex = request.session.get(ENROLMENT_KEY_SESSION) or random_hex(20)
    request.session[ENROLMENT_KEY_SESSION] = key_hex
    next_url = _next_url(request, reverse("identity:official-home"))
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        verdict = throttle.check(request, user.username)
        if not verdict.allowed:
            return too_many_requests(request, verdict.retry_after)
        if form.is_valid():
            if services.confirm_totp_device(user=user, key_hex=key_hex, token=form.cleaned_data["token"]):
                del request.session[ENROLMENT_KEY_SESSION]
                device = TOTPDevice.objects.get(user=user, confirmed=True)
                otp_login(request, device)
                services.record_official_sign_in(user=user)
                return HttpResponseRedirect(next_url)
            throttle.failed(request, user.username)
            form.add_error("token", _("The code is wrong or has expired."))
    secret = base64.b32encode(bytes.fromhex(key_hex)).decode()
    provisioning = TOTPDevice(user=user, name="authenticator", key=key_hex).config_url
    qr_svg = segno.make(provisioning, error="m").svg_inline(
        scale=4, title=_("QR code for your authenticator app")
    )
    status = 400 if form.errors else 200
    return render(
        request,
        "identity/official_enrol.html",
        {"form": form, "next": next_url, "secret": secret, "qr_svg": qr_svg},
        status=status,
    )


# --- officials: their agencies ------------------------------------------------------------------------


@official_required
def official_home(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    assert isinstance(actor, OfficialActor)
    agencies = selectors.visible_agencies(actor)
    return render(
        request,
        "identity/official_home.html",
        {
            "actor": actor,
            "agencies": agencies[:100],
            "agency_count": agencies.count(),
            "may_receive": bool(actor.agency_codes(Role.RECEPTION)),
        },
    )


@official_required
def agency_staff(request: HttpRequest, agency_code: str) -> HttpResponse:
    actor = actor_for(request)
    assert isinstance(actor, OfficialActor)
    agency = selectors.get_visible_agency(actor, agency_code)
    staff = selectors.staff_of_agency(actor, agency_code)
    return render(
        request,
        "identity/agency_staff.html",
        {
            "agency": agency,
            "staff": staff,
            "can_manage": selectors.may_manage_agency(actor, agency.code),
            "form": GrantRoleForm(),
            "actor": actor,
        },
    )


@official_required
@require_POST
def agency_role_grant(request: HttpRequest, agency_code: str) -> HttpResponse:
    actor = actor_for(request)
    assert isinstance(actor, OfficialActor)
    form = GrantRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role and enter a username."))
    else:
        try:
            services.grant_role(
                actor=actor,
                username=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                agency_code=agency_code,
            )
        except (NotFound, Forbidden):
            raise  # the site's error page (core.middleware.DomainErrorMiddleware)
        except MotcuaError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The role is granted."))
    return redirect("identity:agency-staff", agency_code=agency_code)


@official_required
@require_POST
def role_revoke(request: HttpRequest, assignment_id: int) -> HttpResponse:
    actor = actor_for(request)
    assert isinstance(actor, OfficialActor)
    assignment = services.revoke_role(actor=actor, assignment_id=assignment_id)
    messages.success(request, _("The role is revoked."))
    agency_code = assignment.agency.code if assignment.agency else ""
    return (
        redirect("identity:agency-staff", agency_code=agency_code)
        if agency_code
        else redirect("identity:official-home")
    )
