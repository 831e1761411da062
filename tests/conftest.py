from __future__ import annotations

import pytest
from huey.contrib.djhuey import HUEY


@pytest.fixture(autouse=True)
def _empty_task_queue():
    """Each test starts and ends with an empty in-memory task queue."""
    HUEY.flush()
    yield
    HUEY.flush()
