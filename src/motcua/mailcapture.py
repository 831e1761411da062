"""The development SMTP server that captures mail (ADR 0050): what ``make run`` starts on port
8025 and the tests start as a real process, so the e-mail channel speaks real SMTP and nothing
leaves the machine.

    motcua mailcapture serve [--host 127.0.0.1] [--port 8025] [--dir var/mail]
    motcua mailcapture list  [--dir var/mail]       # one line per message, newest last
    motcua mailcapture show N [--dir var/mail]      # message N (1 = the oldest), headers and text

Each message accepted is written whole (as received, RFC 5322) to ``<dir>/<n>.eml``, numbered in
order of arrival; ``read_mailbox`` parses them back. It accepts any sender and recipient and
relays nothing. Built on aiosmtpd; no Django, no platform code.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import os
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

DEFAULT_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", "var")) / "mail"


class CaptureHandler:
    """aiosmtpd's handler: every message's bytes to the next numbered file of ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        data = content if isinstance(content, bytes) else str(content).encode()
        with self._lock:
            number = len(list(self.directory.glob("*.eml"))) + 1
            while True:
                try:
                    with (self.directory / f"{number:06d}.eml").open("xb") as handle:
                        handle.write(data)
                    break
                except FileExistsError:
                    number += 1
        return "250 Message accepted for delivery"


def read_mailbox(directory: Path) -> list[EmailMessage]:
    """Every captured message, oldest first."""
    messages = []
    for path in sorted(Path(directory).glob("*.eml")):
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        messages.append(parsed)
    return messages


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def serve(host: str, port: int, directory: Path) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(CaptureHandler(directory), hostname=host, port=port)
    controller.start()
    print(f"Capturing mail on smtp://{host}:{port} into {directory}/ (Ctrl-C stops)", flush=True)  # noqa: T201
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


def main(argv: list[str] | None = None) -> None:
    from motcua.core.addresses import smtp_capture_port

    parser = argparse.ArgumentParser(prog="motcua mailcapture", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serving = commands.add_parser("serve", help="capture mail over SMTP")
    serving.add_argument("--host", default="127.0.0.1")
    serving.add_argument("--port", type=int, default=smtp_capture_port())
    for command in (serving, commands.add_parser("list", help="list captured mail")):
        command.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    showing = commands.add_parser("show", help="print one captured message")
    showing.add_argument("number", type=int)
    showing.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    options = parser.parse_args(argv)
    if options.command == "serve":
        serve(options.host, options.port, options.dir)
        return
    messages = read_mailbox(options.dir)
    if options.command == "list":
        for number, message in enumerate(messages, start=1):
            print(f"{number:4d}  {message['Date']}  {message['To']}  {message['Subject']}")  # noqa: T201
        if not messages:
            print(f"No mail captured in {options.dir}/.")  # noqa: T201
        return
    if not 1 <= options.number <= len(messages):
        sys.exit(f"No message {options.number}: {len(messages)} captured in {options.dir}/.")
    message = messages[options.number - 1]
    for header in ("From", "To", "Date", "Subject", "Content-Language", "Message-ID"):
        print(f"{header}: {message[header]}")  # noqa: T201
    print()  # noqa: T201
    print(text_of(message))  # noqa: T201


if __name__ == "__main__":
    main()
