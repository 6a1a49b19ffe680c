"""Pagination shared by the list queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RowPage(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    page_size: int


async def paginate(session: AsyncSession, query: Select[Any], page: int, page_size: int) -> RowPage[Any]:
    """Run ``query`` for one page (1-based) and count all its rows."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.scalars(query.limit(page_size).offset((page - 1) * page_size))
    return RowPage(items=list(rows), total=int(total or 0), page=page, page_size=page_size)
