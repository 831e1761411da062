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
