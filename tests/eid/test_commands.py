"""``motcua-eid`` as an operator runs it: seeding is idempotent, demo accounts are refused in
production, a missing client secret is generated, and production settings fail fast."""

from __future__ import annotations

import requests

from motcua.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.eid.browser import AuthorizationRequest, authorize, query_of, verified_claims
from tests.eid.conftest import PLATFORM_CALLBACK
from tests.eid.server import EidServer

ACCOUNT = DEMO_ACCOUNTS[3]


def subject_after_sign_in(server: EidServer) -> str:
    """Sign ACCOUNT in through the registered client; the id token's subject."""
    request = AuthorizationRequest(server, PLATFORM_CALLBACK)
    code = query_of(
        authorize(requests.Session(), request, ACCOUNT.personal_id, DEMO_PASSWORD).headers["Location"]
    )["code"]
    tokens = request.exchange(code)
    assert tokens.status_code == 200, tokens.text
    return str(verified_claims(server, tokens.json()["id_token"])[1]["sub"])


def test_seeding_again_changes_nothing_the_platform_relies_on(eid_server):
    secret, subject = eid_server.client_secret, subject_after_sign_in(eid_server)
    again = eid_server.seed()
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == (
        f"Demo accounts: 0 created, {len(DEMO_ACCOUNTS)} updated. "
        f"Client {eid_server.client_id} updated (1 redirect URI)."
    )
    assert eid_server.client_secret == secret
    assert subject_after_sign_in(eid_server) == subject  # same account, same client, same secret


def test_seed_refuses_demo_accounts_in_production(eid_server):
    production = {
        "MOTCUA_ENV": "production",
        "MOTCUA_EID_SECRET_KEY": "p" * 50,
        "MOTCUA_EID_DATABASE_URL": eid_server.database_url,
        "MOTCUA_EID_OIDC_KEY_FILE": str(eid_server.signing_key_file),
        "MOTCUA_EID_URL": "https://eid.example.vn",
    }
    refused = eid_server.command(
        "eid",
        "seed",
        "--client-id",
        "motcua-production",
        "--client-secret-file",
        str(eid_server.directory / "production-secret"),
        "--redirect-uri",
        "https://motcua.example.vn/oidc/callback/",
        **production,
    )
    assert refused.returncode == 1
    assert "Refusing to create demo accounts when MOTCUA_ENV=production" in refused.stderr
    assert not (eid_server.directory / "production-secret").exists()  # refused before anything
    client_only = eid_server.command(
        "eid",
        "seed",
        "--no-demo-accounts",
        "--client-id",
        "motcua-production",
        "--client-secret-file",
        str(eid_server.directory / "production-secret"),
        "--redirect-uri",
        "https://motcua.example.vn/oidc/callback/",
        **production,
    )
    assert client_only.returncode == 0, client_only.stderr
    assert client_only.stdout.startswith(
        "Demo accounts: 0 created, 0 updated. Client motcua-production registered"
    )
    http_in_production = eid_server.command(
        "eid",
        "seed",
        "--no-demo-accounts",
        "--client-id",
        "motcua-production",
        "--client-secret-file",
        str(eid_server.directory / "production-secret"),
        "--redirect-uri",
        "http://motcua.example.vn/oidc/callback/",
        **production,
    )
    assert http_in_production.returncode == 1
    assert "redirect" in http_in_production.stderr.lower()


def test_a_missing_client_secret_file_is_created_private_and_kept(eid_server):
    secret_file = eid_server.directory / "secrets" / "second-client"
    arguments = (
        *("eid", "seed", "--no-demo-accounts", "--client-id", "second-client"),
        *("--client-secret-file", str(secret_file)),
    )
    first = eid_server.command(*arguments, "--redirect-uri", "http://127.0.0.1:8000/oidc/callback/")
    assert first.returncode == 0, first.stderr
    assert "Client second-client registered (1 redirect URI)" in first.stdout
    secret = secret_file.read_text()
    assert len(secret) >= 60
    assert secret_file.stat().st_mode & 0o777 == 0o600
    second = eid_server.command(
        *arguments,
        "--redirect-uri",
        "http://127.0.0.1:8000/oidc/callback/",
        "--redirect-uri",
        "http://localhost:8000/oidc/callback/",
    )
    assert second.returncode == 0, second.stderr
    assert "Client second-client updated (2 redirect URIs)" in second.stdout
    assert secret_file.read_text() == secret


def test_seed_registers_the_callback_at_the_port_make_run_serves_on(eid_server):
    """Issue 15: without --redirect-uri, the callback follows the platform's port (as the
    Makefile passes it), on 127.0.0.1 and localhost, instead of a fixed 8000."""
    arguments = ("eid", "seed", "--no-demo-accounts", "--client-id", "ported")
    secret = ("--client-secret-file", str(eid_server.directory / "ported-secret"))
    seeded = eid_server.command(*arguments, *secret, MOTCUA_PORT="9100", PORT="9300")
    assert seeded.returncode == 0, seeded.stderr
    assert "Client ported registered (2 redirect URIs)" in seeded.stdout
    shown = eid_server.command(
        "shell",
        "-c",
        "from oauth2_provider.models import Application; "
        "print(Application.objects.get(client_id='ported').redirect_uris)",
    )
    assert shown.stdout.splitlines()[-1].split() == [
        "http://127.0.0.1:9100/oidc/callback/",
        "http://localhost:9100/oidc/callback/",
    ]
    behind_proxy = eid_server.command(
        *arguments, *secret, MOTCUA_PUBLIC_URL="https://dichvucong.example.vn", PORT="9100"
    )
    assert "Client ported updated (1 redirect URI)" in behind_proxy.stdout
    production = eid_server.command(
        *arguments,
        *secret,
        MOTCUA_ENV="production",
        MOTCUA_EID_SECRET_KEY="p" * 50,
        MOTCUA_EID_DATABASE_URL=eid_server.database_url,
        MOTCUA_EID_OIDC_KEY_FILE=str(eid_server.signing_key_file),
    )
    assert production.returncode == 1
    assert "--redirect-uri" in production.stderr


def test_seed_refuses_a_short_secret_and_a_redirect_uri_that_is_not_a_url(eid_server):
    short = eid_server.directory / "short-secret"
    short.write_text("too-short")
    refused = eid_server.command(
        "eid",
        "seed",
        "--client-id",
        "x",
        "--client-secret-file",
        str(short),
        "--redirect-uri",
        "https://a.vn/cb/",
    )
    assert refused.returncode == 1
    assert "shorter than 32 characters" in refused.stderr
    not_a_url = eid_server.command(
        "eid",
        "seed",
        "--client-id",
        "x",
        "--client-secret-file",
        str(short),
        "--redirect-uri",
        "/oidc/callback/",
    )
    assert not_a_url.returncode == 1
    assert "absolute http(s) URL" in not_a_url.stderr


def test_accounts_lists_every_demo_account_and_the_password(eid_server):
    listing = eid_server.command("eid", "accounts")
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[0].split()[:2] == ["personal", "ID"]
    for account, line in zip(DEMO_ACCOUNTS, lines[1:-1], strict=True):
        assert line.split()[:4] == [
            account.personal_id,
            str(account.assurance_level),
            account.birthdate.isoformat(),
            account.sex,
        ]
        assert account.full_name in line
        assert account.province_of_birth in line
    assert lines[-1] == f"Password of every demo account: {DEMO_PASSWORD}"


def test_production_settings_name_every_missing_variable(eid_server):
    fresh = eid_server.directory / "fresh-var"
    missing = eid_server.command(
        "check", MOTCUA_ENV="production", MOTCUA_VAR_DIR=str(fresh), MOTCUA_EID_DATABASE_URL=""
    )
    assert missing.returncode == 1
    assert "MOTCUA_EID_SECRET_KEY" in missing.stderr
    assert "MOTCUA_EID_DATABASE_URL" in missing.stderr
    assert not fresh.exists()  # no secret or key generated on the way
    no_key = eid_server.command(
        "check",
        MOTCUA_ENV="production",
        MOTCUA_VAR_DIR=str(fresh),
        MOTCUA_EID_SECRET_KEY="p" * 50,
        MOTCUA_EID_DATABASE_URL=eid_server.database_url,
    )
    assert no_key.returncode == 1
    assert "MOTCUA_EID_OIDC_KEY_FILE" in no_key.stderr
    assert not (fresh / "eid" / "oidc-signing-key.pem").exists()
    debug = eid_server.command(
        "check",
        MOTCUA_ENV="production",
        MOTCUA_EID_DEBUG="1",
        MOTCUA_EID_SECRET_KEY="p" * 50,
        MOTCUA_EID_DATABASE_URL=eid_server.database_url,
    )
    assert debug.returncode == 1
    assert "MOTCUA_EID_DEBUG must be off" in debug.stderr


def test_development_generates_the_secret_key_and_signing_key_privately(eid_server):
    secret_key = eid_server.var_dir / "eid" / "secret_key"
    assert secret_key.stat().st_mode & 0o777 == 0o600
    assert eid_server.signing_key_file.stat().st_mode & 0o777 == 0o600
    assert (eid_server.var_dir / "eid").stat().st_mode & 0o777 == 0o700
    assert "BEGIN PRIVATE KEY" in eid_server.signing_key_file.read_text()
