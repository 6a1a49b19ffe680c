"""Markers come from the directory a test lives in (``tests/conftest.py``), never by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import TESTS, markers_for


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("integration/tickets/test_tickets_api.py", ("integration",)),
        ("browser/test_console.py", ("browser", "integration")),
        ("unit/tickets/test_dispatch_policy.py", ()),
    ],
)
def test_markers_follow_the_directory(relative: str, expected: tuple[str, ...]) -> None:
    assert markers_for(TESTS / relative) == expected


def test_a_path_outside_the_suite_gets_no_marker(tmp_path: Path) -> None:
    assert markers_for(tmp_path / "test_x.py") == ()


def test_this_unit_test_is_not_marked_integration(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("integration") is None


def test_no_test_file_sets_directory_markers_by_hand() -> None:
    by_hand = re.compile(r"pytest\.mark\.(integration|browser)\b")
    offenders = [
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("*.py")
        if p != Path(__file__) and by_hand.search(p.read_text())
    ]
    assert offenders == [], "remove the hand-written marks: tests/conftest.py sets them by directory"
