"""An official links a petition to an earlier one as a repeat of the same matter, or unlinks it
(``services.repeats``), from the petition's page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.inputs import InvalidText
from motcua.feedback.services import repeats
from motcua.feedback.views.petitions import _official_page
from motcua.identity.permissions import official_of, official_required


@official_required
@require_POST
def repeat(request: HttpRequest, code: str) -> HttpResponse:
    actor = official_of(request)
    try:
        if request.POST.get("action") == "unlink":
            repeats.unlink_repeat(actor=actor, code=code)
            messages.success(request, _("The link to the earlier petition is removed."))
        else:
            repeats.link_repeat(
                actor=actor, code=code, earlier_code=str(request.POST.get("repeat_of", ""))[:40]
            )
            messages.success(request, _("The petition is linked to the earlier one as a repeat."))
    except InvalidText as exc:
        return _official_page(request, code, errors=exc.fields, status=422)
    return HttpResponseRedirect(reverse("feedback:official-petition", args=[code]))
