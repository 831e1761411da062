"""Forms of the identity pages: they validate input; the services decide and write."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.ids import InvalidPersonalId, parse_personal_id
from motcua.identity.models import Role


class OfficialSignInForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=256)

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has 6 digits.")},
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()


class AuthorisationForm(forms.Form):
    grantor = forms.ChoiceField(label=_("Authorise on behalf of"))
    representative_personal_id = forms.CharField(label=_("Personal ID number of the person you authorise"))
    representative_name = forms.CharField(label=_("Full name of the person you authorise"), max_length=200)
    # day/month/year whatever the browser's language (a native date input follows it; ADR 0037)
    valid_until = forms.DateField(
        label=_("Valid until"),
        help_text=_("Day/month/year, for example 27/03/2020"),
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"class": "date", "inputmode": "numeric", "autocomplete": "off", "maxlength": "10"},
        ),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )
    scope = forms.MultipleChoiceField(
        label=_("Procedures (leave empty for all procedures)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        grantors: list[tuple[str, str]],
        procedures: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grantor"].choices = grantors  # type: ignore[attr-defined]
        self.fields["scope"].choices = procedures  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("valid_until", timezone.localdate() + datetime.timedelta(days=365))

    def clean_representative_personal_id(self) -> str:
        try:
            return parse_personal_id(str(self.cleaned_data["representative_personal_id"])).number
        except InvalidPersonalId as exc:
            raise forms.ValidationError(exc.message) from None


GRANTABLE_ROLES = [(role.value, role.label) for role in Role if role != Role.PLATFORM_ADMIN]


class GrantRoleForm(forms.Form):
    username = forms.CharField(label=_("Official's username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=GRANTABLE_ROLES)
