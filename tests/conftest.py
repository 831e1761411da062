from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from huey.contrib.djhuey import HUEY

from motcua.core import refdata
from motcua.documents.pki import DevPki
from motcua.exchange import client, keys, services, tokens
from motcua.exchange.models import AgencyKey, KeyStatus
from tests.exchange.server import RegistriesServer
from tests.identity.world import World, build_world

# s3_server and object_storage: a real S3-protocol server for the object-storage tests
pytest_plugins = ["tests.objectstore"]

# Agencies of the test worlds that talk to the registries, with their type and province.
REGISTERED_AGENCIES = {
    "UBND.00004": ("commune_peoples_committee", "01", "Ủy ban nhân dân phường Ba Đình"),
    "CAX.00004": ("commune_police", "01", "Công an phường Ba Đình"),
    "UBND.00008": ("commune_peoples_committee", "01", "Ủy ban nhân dân phường Ngọc Hà"),
    "CAX.00008": ("commune_police", "01", "Công an phường Ngọc Hà"),
    "STP.01": ("provincial_justice_department", "01", "Sở Tư pháp thành phố Hà Nội"),
    "BHXH.01": ("provincial_social_insurance", "01", "Bảo hiểm xã hội thành phố Hà Nội"),
    "CAT.01": ("provincial_police", "01", "Công an thành phố Hà Nội"),
    "PORTAL": ("portal", "", "Cổng Dịch vụ công (motcua)"),
    # service providers and education departments (essential services 22, 24, 25; ADR 0067)
    "PC.01": ("power_company", "01", "Công ty Điện lực Hà Nội"),
    "PC.40": ("power_company", "40", "Công ty Điện lực Nghệ An"),
    "SGDDT.79": ("provincial_education_department", "79", "Sở Giáo dục và Đào tạo thành phố Hồ Chí Minh"),
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Officials are created and sign in with a password in many tests: the production hasher
    (PBKDF2, a million rounds) would cost a third of a second each time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_reference_data(settings: Any) -> Iterator[None]:
    """Each test reads the reference data it made (core.refdata keeps it per process otherwise).

    The version is read at the first use in each test (``clear``) and then not again: at the
    default of once a second that read could fall inside a statement-count test's measured
    block on a slow machine. A reload in this process is seen at once (``refdata.bump``); the
    tests of the version check itself lower the interval."""
    settings.MOTCUA_REFDATA_CHECK_SECONDS = 3600
    refdata.clear()
    yield
    refdata.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the platform's default language (Vietnamese), as a worker or a fresh
    request does: a test client request in English leaves English active in the thread (Django's
    LocaleMiddleware activates the request's language and nothing resets it), and code that renders
    outside a request (a notification read back, a label) would then answer in English."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_task_queue():
    """Each test starts and ends with an empty in-memory task queue."""
    HUEY.flush()
    yield
    HUEY.flush()


@pytest.fixture(scope="session")
def dev_pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    """The session's development PKI (``motcua pki init``): root, timestamp authority, CRL."""
    store = DevPki(tmp_path_factory.mktemp("pki"))
    store.init()
    return store


def signing_settings(dev_pki: DevPki, registries_server: RegistriesServer) -> dict[str, object]:
    """Results are signed with the session's development PKI, timestamped by the registries
    process (the reference timestamp authority) and validated against the PKI's root only."""
    return {
        "MOTCUA_PKI_DIR": dev_pki.directory,
        "MOTCUA_TRUST_ROOTS": [str(dev_pki.root_cert_path)],
        "MOTCUA_CRL_FILES": [str(dev_pki.crl_path)],
        "MOTCUA_TSA_URL": f"{registries_server.base_url}/tsa",
    }


@pytest.fixture(autouse=True)
def _signing_trust(settings: Any, dev_pki: DevPki, registries_server: RegistriesServer) -> None:
    for name, value in signing_settings(dev_pki, registries_server).items():
        setattr(settings, name, value)


@pytest.fixture(scope="session")
def registries_server(
    tmp_path_factory: pytest.TempPathFactory, dev_pki: DevPki
) -> Iterator[RegistriesServer]:
    """The reference registries as a real process, shared by the session (tests must leave it
    usable: they may add registrations, never remove the shared ones). It is also the session's
    timestamp authority (``/tsa``), with the development PKI's TSA key."""
    env = {
        "MOTCUA_REGISTRIES_KEY_CACHE_SECONDS": "0",
        "MOTCUA_TSA_CERT_FILE": str(dev_pki.tsa_cert_path),
        "MOTCUA_TSA_KEY_FILE": str(dev_pki.tsa_key_path),
    }
    with RegistriesServer(tmp_path_factory.mktemp("registries"), env=env) as server:
        yield server


# The platform's consent-signing key (ADR 0022), registered as a consent issuer, never as an agency.
CONSENT_KEY_OWNER = tokens.CONSENT_KEY_PREFIX + "motcua"


def registration(rows: list[AgencyKey]) -> dict:
    return {
        "agencies": [
            {
                "code": row.agency_code,
                "agency_type": REGISTERED_AGENCIES[row.agency_code][0],
                "province_code": REGISTERED_AGENCIES[row.agency_code][1],
                "name": REGISTERED_AGENCIES[row.agency_code][2],
                "keys": [row.public_jwk],
            }
            for row in rows
            if row.agency_code in REGISTERED_AGENCIES
        ],
        "consent_issuers": [
            {"issuer": row.agency_code.removeprefix(tokens.CONSENT_KEY_PREFIX), "keys": [row.public_jwk]}
            for row in rows
            if row.agency_code.startswith(tokens.CONSENT_KEY_PREFIX)
        ],
    }


@pytest.fixture(scope="session")
def registered_keys(registries_server: RegistriesServer) -> list[AgencyKey]:
    """One key per test agency, and the platform's consent-signing key, registered with the
    session's registries once."""
    rows = [
        services.new_agency_key(code, KeyStatus.ACTIVE) for code in [*REGISTERED_AGENCIES, CONSENT_KEY_OWNER]
    ]
    registries_server.import_registrations(registration(rows))
    return rows


def reset_exchange_state() -> None:
    client._client.cache_clear()  # new HTTP client and circuit breakers
    keys.forget_cached_keys()


def copy_agency_keys(rows: list[AgencyKey]) -> None:
    """Put the session's registered agency keys into this test's platform database."""
    AgencyKey.objects.bulk_create(
        [
            AgencyKey(
                agency_code=row.agency_code,
                kid=row.kid,
                public_jwk=row.public_jwk,
                sealed_private_key=row.sealed_private_key,
                status=row.status,
                activated_at=row.activated_at,
            )
            for row in rows
        ]
    )


def exchange_settings(registries_server: RegistriesServer) -> dict[str, object]:
    return {"MOTCUA_REGISTRIES_URL": registries_server.base_url, "MOTCUA_EXCHANGE_TIMEOUT_MS": 10_000}


@pytest.fixture
def exchange(db, settings, registries_server: RegistriesServer, registered_keys: list[AgencyKey]):
    """The platform wired to the session's registries, with the test agencies' keys in its DB."""
    copy_agency_keys(registered_keys)
    for name, value in exchange_settings(registries_server).items():
        setattr(settings, name, value)
    reset_exchange_state()
    yield registries_server
    reset_exchange_state()


@pytest.fixture(scope="module")
def module_world(
    django_db_setup: None,
    django_db_blocker: Any,
    registries_server: RegistriesServer,
    registered_keys: list[AgencyKey],
    tmp_path_factory: pytest.TempPathFactory,
    dev_pki: DevPki,
) -> Iterator[tuple[World, Path]]:
    """The identity tests' world (tests/identity/world.py), built once for a module inside an
    outer transaction that every test nests in and that is rolled back at the end (what Django's
    ``TestCase.setUpTestData`` does); use ``world_copy`` in the tests."""
    directory = tmp_path_factory.mktemp("module-world")
    overrides = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MOTCUA_UPLOAD_DIR=directory / "uploads",
        **exchange_settings(registries_server),
        # the world's birth registration is approved, so its result is signed (as _signing_trust)
        **signing_settings(dev_pki, registries_server),
    )
    with django_db_blocker.unblock(), overrides:
        reset_exchange_state()
        with transaction.atomic():
            copy_agency_keys(registered_keys)
            yield build_world(directory, with_wallet=True), directory / "uploads"
            transaction.set_rollback(True)
        reset_exchange_state()


@pytest.fixture
def world_copy(module_world: tuple[World, Path], db: None, settings: Any) -> World:
    """A copy per case, so that refreshing an object in one case cannot leak into the next (the
    database side is rolled back by the case's own transaction)."""
    shared, uploads = module_world
    settings.MOTCUA_UPLOAD_DIR = uploads
    reset_exchange_state()
    return copy.deepcopy(shared)
