from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.catalog import selectors as catalog
from motcua.identity.permissions import public
from motcua.units import selectors as units


@public
def home(request: HttpRequest) -> HttpResponse:
    procedures = catalog.search_procedures()
    return render(
        request,
        "portal/home.html",
        {
            "procedures": procedures[:20],
            "procedure_count": procedures.count(),
            "bundles": catalog.list_bundles(),
            "units": units.unit_counts(),
        },
    )


# The pages the footer links to on every page (ADR 0037): what the service does with personal
# data, how accessible it is, and the terms of use; plain text in both languages.


@public
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


@public
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html")


@public
def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/terms.html")
