"""The provider's own pages: sign in with personal ID number and password, sign out.

Failed sign-ins are counted per personal ID number and per address; past the limit the page
answers 429 with Retry-After before checking the password.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import ratelimit


class EidSignInForm(AuthenticationForm):
    username = forms.CharField(label=gettext_lazy("Personal ID number"), max_length=12)
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("The personal ID number or password is wrong."),
    }


class EidSignInView(auth_views.LoginView):
    form_class = EidSignInForm
    template_name = "eid/sign_in.html"
    redirect_authenticated_user = False

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rates = [ratelimit.configured_rate("eid_login")]
        address_rates = [ratelimit.Rate(rates[0].limit * 4, rates[0].window)]
        account = str(request.POST.get("username", "")).strip()
        address = ratelimit.client_address(request)
        verdicts = [
            ratelimit.is_blocked("eid_account", account, rates),
            ratelimit.is_blocked("eid_address", address, address_rates),
        ]
        refused = [verdict for verdict in verdicts if not verdict.allowed]
        if refused:
            wait = max(verdict.retry_after for verdict in refused)
            message = _("Too many failed attempts. Please wait %(seconds)d seconds.") % {"seconds": wait}
            context = {"form": self.get_form(), "blocked": message}
            refusal = render(request, "eid/sign_in.html", context, status=429)
            refusal.headers["Retry-After"] = str(wait)
            return refusal
        response: HttpResponse = super().post(request, *args, **kwargs)
        if response.status_code != 302:
            ratelimit.record_failure("eid_account", account, rates)
            ratelimit.record_failure("eid_address", address, address_rates)
            response.status_code = 400
        return response


class EidSignOutView(auth_views.LogoutView):
    template_name = "eid/signed_out.html"
