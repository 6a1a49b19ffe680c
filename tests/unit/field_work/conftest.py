"""Fixtures of the lifecycle tests (the helpers live in ``lifecycle_helpers``)."""

from tests.unit.field_work.lifecycle_helpers import job

__all__ = ["job"]
