"""Every URL declares who may reach it, and every protected one is in the access matrix.

A new page or API operation without a declared access level fails here, before it can ship
unprotected by accident; a protected one missing from ``test_access_matrix.ENDPOINTS`` fails
too, so its allow and deny cases get written.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from motcua.api.api import api
from motcua.identity.permissions import ACCESS_ATTRIBUTE, Access
from tests.identity.test_access_matrix import ENDPOINTS

# ninja's own views (the OpenAPI document and its viewer, and the empty API root) are public.
NINJA_DOCUMENTATION = {"openapi-json", "openapi-view", "api-root"}


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        else:
            yield f"{namespace}{entry.name}", entry


def _is_ninja(pattern: URLPattern) -> bool:
    callback = getattr(pattern.callback, "func", pattern.callback)  # the docs views are partials
    return getattr(callback, "__module__", "").startswith("ninja")


def _page_access() -> dict[str, Access | None]:
    return {
        name: getattr(pattern.callback, ACCESS_ATTRIBUTE, None)
        for name, pattern in _patterns(get_resolver())
        if not _is_ninja(pattern)
    }


def _api_access() -> dict[str, Access | None]:
    access: dict[str, Access | None] = {}
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    key = f"api:{method.lower()} {(prefix.rstrip('/') + '/' + path.lstrip('/')).rstrip('/')}"
                    key = key.replace("//", "/").replace(": /", ": /")
                    if operation.auth_callbacks:
                        kinds = {type(callback).__name__ for callback in operation.auth_callbacks}
                        access[key] = Access.APPLICANT if kinds == {"ApplicantAuth"} else Access.OFFICIAL
                    else:
                        access[key] = getattr(operation.view_func, ACCESS_ATTRIBUTE, None)
    return access


def test_every_page_declares_its_access():
    undeclared = [name for name, access in _page_access().items() if access is None]
    assert not undeclared, f"URLs without a declared access level: {undeclared}"


def test_every_api_operation_is_authenticated_or_declared_public():
    access = _api_access()
    assert len(access) > 15
    undeclared = [name for name, level in access.items() if level is None]
    assert not undeclared, f"API operations without auth or @public: {undeclared}"


def test_ninja_views_are_its_documentation_or_our_declared_operations():
    operations = {
        operation.view_func.__name__
        for _prefix, router in api._routers
        for view in router.path_operations.values()
        for operation in view.operations
    }
    names = {name.split(":")[-1] for name, pattern in _patterns(get_resolver()) if _is_ninja(pattern)}
    assert NINJA_DOCUMENTATION <= names
    assert names - NINJA_DOCUMENTATION <= operations


def test_every_protected_url_is_in_the_access_matrix():
    protected_pages = {
        name for name, access in _page_access().items() if access in {Access.APPLICANT, Access.OFFICIAL}
    }
    protected_api = {
        name for name, access in _api_access().items() if access in {Access.APPLICANT, Access.OFFICIAL}
    }
    in_matrix = {endpoint.url_name for endpoint in ENDPOINTS}
    assert protected_pages, "no protected pages found: the walk is broken"
    assert not protected_pages - in_matrix, f"pages missing from the matrix: {protected_pages - in_matrix}"
    assert not protected_api - in_matrix, (
        f"API operations missing from the matrix: {protected_api - in_matrix}"
    )
    assert not in_matrix - protected_pages - protected_api, "the matrix names URLs that no longer exist"


# the operations an agency system's bearer token opens: the agencies' work on dossiers, nothing
# of an applicant's, no staff or role management, no claiming or assigning work, no counter
OPEN_TO_INTEGRATORS = {
    "api:get /inbox",
    "api:get /inbox/{code}",
    "api:get /inbox/{code}/files/{file_id}",
    "api:post /inbox/{code}/decision",
    "api:post /inbox/{code}/apology",
}


def test_only_the_agencies_work_is_open_to_integrator_clients():
    open_to_clients = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                kinds = {type(callback).__name__ for callback in operation.auth_callbacks or []}
                if "IntegratorAuth" in kinds:
                    assert kinds == {"IntegratorAuth", "OfficialAuth"}, (path, kinds)
                    for method in operation.methods:
                        full = (prefix.rstrip("/") + "/" + path.lstrip("/")).rstrip("/").replace("//", "/")
                        open_to_clients.add(f"api:{method.lower()} {full}")
    assert open_to_clients == OPEN_TO_INTEGRATORS


def test_the_openapi_schema_declares_the_bearer_scheme_where_clients_are_accepted():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    schemes = schema["components"]["securitySchemes"]
    assert schemes["IntegratorAuth"] == {"type": "http", "scheme": "bearer"}
    inbox = schema["paths"]["/api/v1/inbox"]["get"]
    assert {"IntegratorAuth": []} in inbox["security"]
    drafts = schema["paths"]["/api/v1/drafts"]["get"]
    assert {"IntegratorAuth": []} not in drafts["security"]
    token = schema["paths"]["/api/v1/oauth/token"]["post"]
    # its own refusals in OAuth's shape (with code and message), and the errors every operation declares
    assert {200, 400, 401, 413, 415, 422, 429, 500} <= set(token["responses"])
    for status in (400, 401):
        content = token["responses"][status]["content"]["application/json"]["schema"]
        assert content == {"$ref": "#/components/schemas/OAuthErrorOut"}, status
