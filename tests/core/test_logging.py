"""Application logs are structured, carry the request id, and keep personal data out."""

from __future__ import annotations

import json
import logging

import pytest
import structlog
from django.test import Client

from motcua.core.addresses import addresses
from motcua.core.logging import get_logger, logging_config, scrub_personal_data
from motcua.portal import banner


def test_scrubber_redacts_personal_keys_and_masks_id_numbers_everywhere():
    event = scrub_personal_data(
        None,
        "info",
        {
            "event": "looked up 001086004213 and old card 123456789",
            "full_name": "Nguyễn Văn Minh",
            "personal_id": "001086004213",
            "context": {"email": "a@b.vn", "note": ["id 079192008765"]},
            "request_id": "24aa7a893123456789421fb539b2748a",
            "sha": "ab001086004213cd",
        },
    )
    text = json.dumps({k: v for k, v in event.items() if k not in {"sha", "request_id"}}, ensure_ascii=False)
    for secret in ("001086004213", "123456789", "Nguyễn Văn Minh", "a@b.vn", "079192008765"):
        assert secret not in text
    assert "001******213" in event["event"]
    assert event["full_name"] == "[redacted]"
    assert event["context"]["email"] == "[redacted]"
    assert event["request_id"] == "24aa7a893123456789421fb539b2748a"  # ids are not mangled
    assert event["sha"] == "ab001086004213cd"


def test_json_log_lines_from_any_logger_are_scrubbed(capsys):
    config = logging_config("INFO", "json")
    handler = logging.StreamHandler()
    formatter_config = dict(config["formatters"]["structured"])
    factory = formatter_config.pop("()")
    handler.setFormatter(factory(**formatter_config))
    for name, emit in (
        ("plain.stdlib", lambda: logging.getLogger("plain.stdlib").warning("citizen 038078005432 failed")),
        ("motcua.test", lambda: get_logger("motcua.test").warning("lookup", personal_id="038078005432")),
    ):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        try:
            structlog.contextvars.bind_contextvars(request_id="req-abcdef12")
            emit()
        finally:
            structlog.contextvars.clear_contextvars()
            logger.removeHandler(handler)
    lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    assert len(lines) == 2
    assert all("038078005432" not in json.dumps(line) for line in lines)
    assert all(line["request_id"] == "req-abcdef12" for line in lines)
    assert lines[1]["personal_id"] == "[redacted]"


@pytest.mark.django_db
def test_each_request_is_logged_once_by_route_not_path(caplog):
    with caplog.at_level(logging.INFO, logger="motcua.request"):
        response = Client().get("/thu-tuc/birth-registration/?q=001086004213")
    records = [r for r in caplog.records if r.name == "motcua.request"]
    assert len(records) == 1
    message = records[0].msg
    assert isinstance(message, dict)
    assert message["route"] == "thu-tuc/<slug:code>/"
    assert message["request_id"] == response["X-Request-ID"]
    assert "001086004213" not in str(message)


def test_banner_shows_the_demo_password_the_seed_uses():
    from motcua.identity.demo import DEMO_OFFICIAL_PASSWORD

    assert banner.DEMO_OFFICIAL_PASSWORD == DEMO_OFFICIAL_PASSWORD
    assert DEMO_OFFICIAL_PASSWORD in banner.banner(addresses({}))
