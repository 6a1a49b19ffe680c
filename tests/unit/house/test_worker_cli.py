"""``aftersales worker`` refuses what it cannot run before touching the database (exit 2)."""

from __future__ import annotations

import pytest

from api.cli import main


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--queues", "plans,nope"], "unknown queue(s) nope"),
        (["--concurrency", "0"], "--concurrency must be at least 1"),
    ],
)
def test_bad_worker_arguments_exit_2_naming_them(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["worker", *arguments]) == 2
    assert message in capsys.readouterr().err
