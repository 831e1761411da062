"""The provider's own pages: sign in with personal ID number and password, sign out, a home page.

The OAuth 2.0 / OpenID Connect endpoints under ``/o/`` are django-oauth-toolkit's. Its
authorize endpoint sends a visitor who is not signed in here (``LOGIN_URL``) with the
authorize URL as ``next``; after a successful sign-in the visitor continues there, and the
trusted platform client (``skip_authorization``) gets its code without a consent page.

Failed sign-ins are counted per personal ID number and per client address in the rate-limit
cache (``motcua.core.ratelimit``). Once either count reaches its limit the page answers 429
with Retry-After, before any password is checked, until the count over the last window falls
below the limit. A successful sign-in
clears its personal ID number's count (not the address's). Wrong credentials get one message
that does not say which of the two was wrong, and the same for an unknown number.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from motcua.core import ratelimit
from motcua.core.logging import get_logger
from motcua.eid.models import EidAccount

log = get_logger(__name__)

ACCOUNT_SCOPE = "eid_login_account"
ADDRESS_SCOPE = "eid_login_address"
# No script at all, styles and images from this origin only. No form-action directive: after
# the sign-in form, the redirect chain ends at the relying party's origin, which browsers
# would otherwise block.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
PERSONAL_ID_INPUT_MAX_LENGTH = 20  # 12 digits, with room for the spaces people type in groups


def normalise_personal_id(value: str) -> str:
    """The number as typed, without the spaces people put between groups of digits."""
    return "".join(value.split())


def with_security_headers(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Adds the Content-Security-Policy and Permissions-Policy of the provider's pages."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return wrapped


class PersonalIdAuthenticationForm(AuthenticationForm):
    """Django's login form, with the personal ID number as the username."""

    username = forms.CharField(
        label=gettext_lazy("Personal ID number"), max_length=PERSONAL_ID_INPUT_MAX_LENGTH
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("The personal ID number or password is wrong."),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm sizes the field after the username column (150); put ours back.
        field = self.fields["username"]
        field.max_length = PERSONAL_ID_INPUT_MAX_LENGTH  # type: ignore[attr-defined]
        field.widget.attrs.update(
            {
                "maxlength": str(PERSONAL_ID_INPUT_MAX_LENGTH),
                "inputmode": "numeric",
                "autocomplete": "username",
                "autofocus": True,
            }
        )

    def clean_username(self) -> str:
        return normalise_personal_id(self.cleaned_data["username"])

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        # A user without an identity (a superuser made by hand) has no claims to assert.
        user = self.user_cache
        if user is not None and not EidAccount.objects.filter(user_id=user.pk).exists():
            raise self.get_invalid_login_error()
        return cleaned_data


def _account_rates() -> list[ratelimit.Rate]:
    return [ratelimit.configured_rate(ACCOUNT_SCOPE)]


def _address_rates() -> list[ratelimit.Rate]:
    return [ratelimit.configured_rate(ADDRESS_SCOPE)]


class SignInView(auth_views.LoginView):
    form_class = PersonalIdAuthenticationForm
    template_name = "eid/sign_in.html"
    # Show the form even to a signed-in visitor: prompt=login and switching demo accounts.
    redirect_authenticated_user = False

    def _attempt_keys(self) -> tuple[str, str]:
        personal_id = normalise_personal_id(str(self.request.POST.get("username", "")))
        return personal_id, ratelimit.client_address(self.request)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        personal_id, address = self._attempt_keys()
        verdicts = [
            ratelimit.is_blocked(ACCOUNT_SCOPE, personal_id, _account_rates()),
            ratelimit.is_blocked(ADDRESS_SCOPE, address, _address_rates()),
        ]
        refused = [verdict for verdict in verdicts if not verdict.allowed]
        if refused:
            return self._too_many_failures(max(verdict.retry_after for verdict in refused))
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        personal_id, _address = self._attempt_keys()
        ratelimit.clear(ACCOUNT_SCOPE, personal_id, _account_rates())
        response = super().form_valid(form)
        log.info("eid_signed_in", subject=str(EidAccount.objects.get(user_id=form.get_user().pk).subject))
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        personal_id, address = self._attempt_keys()
        ratelimit.record_failure(ACCOUNT_SCOPE, personal_id, _account_rates())
        ratelimit.record_failure(ADDRESS_SCOPE, address, _address_rates())
        log.info("eid_sign_in_failed")
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def _too_many_failures(self, retry_after: int) -> HttpResponse:
        log.warning("eid_sign_in_throttled")
        personal_id, _address = self._attempt_keys()
        context = self.get_context_data(
            form=self.form_class(self.request, initial={"username": personal_id}),
            blocked=_("Too many failed attempts. Please wait %(seconds)d seconds.")
            % {"seconds": retry_after},
        )
        response = render(self.request, self.template_name, context, status=429)
        response.headers["Retry-After"] = str(retry_after)
        return response


class SignOutView(auth_views.LogoutView):
    """GET shows a sign-out button (a GET must not sign anybody out); POST signs out."""

    template_name = "eid/signed_out.html"
    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, "eid/sign_out.html")


class HomeView(TemplateView):
    """What this process is, and who is signed in to it."""

    template_name = "eid/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["account"] = (
            EidAccount.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
        )
        return context


home = with_security_headers(HomeView.as_view())
sign_in = with_security_headers(SignInView.as_view())
sign_out = with_security_headers(SignOutView.as_view())
