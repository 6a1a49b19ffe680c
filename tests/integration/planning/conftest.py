"""Plan solves run on the job queue: every test here has a real worker beside its app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.settings import Settings
from tests.job_worker import job_worker


@pytest.fixture(autouse=True)
def _worker(request: pytest.FixtureRequest) -> Iterator[None]:
    if "settings" not in request.fixturenames:  # tests with servers of their own start theirs
        yield
        return
    settings: Settings = request.getfixturevalue("settings")
    with job_worker(settings):
        yield
