"""The signing service's WSGI application (served as ``motcua.documents.signer_service.wsgi``):
routing, bearer-token authentication and JSON in and out; the answers are in ``csc``."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from motcua.documents.signer_service import csc
from motcua.documents.signer_service.keys import BearerTokens, CredentialStore

KEY_DIR_VARIABLE = "MOTCUA_SIGNING_SERVICE_KEY_DIR"
TOKEN_FILE_VARIABLE = "MOTCUA_SIGNING_SERVICE_TOKEN_FILE"  # noqa: S105 - a variable name
MAX_BODY_BYTES = 64 * 1024

Handler = Callable[[CredentialStore, dict[str, Any]], dict[str, Any]]
# path -> (handler, needs the bearer token)
ROUTES: dict[str, tuple[Handler, bool]] = {
    "/csc/v2/info": (lambda _store, _body: csc.service_info(), False),
    "/csc/v2/credentials/info": (csc.credentials_info, True),
    "/csc/v2/signatures/signHash": (csc.sign_hash, True),
}
_STATUS = {
    200: "200 OK",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    413: "413 Content Too Large",
}


class SigningService:
    def __init__(self, key_dir: Path, token_file: Path) -> None:
        self.store = CredentialStore(key_dir)
        self.tokens = BearerTokens(token_file)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        status, body, headers = self._answer(environ)
        data = json.dumps(body, ensure_ascii=False).encode()
        start_response(
            _STATUS[status],
            [("Content-Type", "application/json"), ("Content-Length", str(len(data))), *headers],
        )
        return [data]

    def _answer(self, environ: WSGIEnvironment) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/health":
            return 200, {"status": "ok"}, []
        route = ROUTES.get(path)
        if route is None:
            return 404, {"error": "invalid_request", "error_description": "Unknown method"}, []
        if method != "POST":
            return 405, {"error": "invalid_request", "error_description": "Use POST"}, [("Allow", "POST")]
        handler, needs_token = route
        if needs_token and not self.tokens.accepts(environ.get("HTTP_AUTHORIZATION")):
            error = csc.CscError(401, "invalid_token", "The access token is missing, invalid or expired")
            return 401, error.body(), [("WWW-Authenticate", 'Bearer error="invalid_token"')]
        try:
            body = self._json(environ)
            return 200, handler(self.store, body), []
        except csc.CscError as error:
            return error.status, error.body(), []

    @staticmethod
    def _json(environ: WSGIEnvironment) -> dict[str, Any]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            raise csc.CscError(413, "invalid_request", "The request body is too large")
        raw = environ["wsgi.input"].read(length) if length else b"{}"
        try:
            parsed = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise csc.CscError(400, "invalid_request", "The request body is not JSON") from exc
        if not isinstance(parsed, dict):
            raise csc.CscError(400, "invalid_request", "The request body is not a JSON object")
        return parsed


def from_environment() -> SigningService:
    """The service configured by its two environment variables (refusing to start without)."""
    key_dir = os.environ.get(KEY_DIR_VARIABLE, "")
    token_file = os.environ.get(TOKEN_FILE_VARIABLE, "")
    if not key_dir or not Path(key_dir).is_dir():
        raise RuntimeError(f"{KEY_DIR_VARIABLE} must name the development PKI's directory.")
    if not token_file or not Path(token_file).is_file():
        raise RuntimeError(f"{TOKEN_FILE_VARIABLE} must name a file of accepted bearer tokens.")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    csc.logger.addHandler(handler)
    csc.logger.setLevel(logging.INFO)
    return SigningService(Path(key_dir), Path(token_file))
