"""Printed by `make run` before the web server starts: where to go and how to log in."""

from __future__ import annotations

import os
import sys


def banner(port: str) -> str:
    url = f"http://127.0.0.1:{port}/"
    return "\n".join(
        [
            "",
            "=" * 72,
            "  motcua is starting",
            f"  Public catalog (Vietnamese / English):  {url}thu-tuc/",
            f"  REST API and OpenAPI documentation:     {url}api/v1/docs",
            "  Demo logins: none yet. Applicant and official accounts arrive with the",
            "  identity work (issue 3); the catalog and unit data need no login.",
            "  Stop everything with Ctrl-C.",
            "=" * 72,
            "",
        ]
    )


if __name__ == "__main__":
    sys.stdout.write(banner(os.environ.get("PORT", "8000")))
