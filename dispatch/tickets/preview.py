"""The read-only hot path of the hotline: "what would this call get?" in about a millisecond.

A preview records nothing, so it reads on bare pooled connections outside any transaction and
session (``PreviewReads`` over ``storage/read_pool.py``): one prepared statement per preview. It
reads plant facts through a short-lived cache: plants change rarely, and a changed policy
reaches every API process within the cache's time-to-live (documented in docs/operations.md).
The service holds no per-request state, so the app builds it once.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from dispatch.access.policy import Action, Resource, require
from dispatch.access.principal import Principal
from dispatch.tickets.decision import Decision
from dispatch.tickets.policy import DispatchPolicyRegistry
from dispatch.tickets.service import PreviewRequest, decide_for, reported_at_or_now
from storage.repositories.network import PlantFacts, PreviewReads

PlantLoader = Callable[[uuid.UUID], Awaitable[PlantFacts]]


class PlantFactsCache:
    """Plant facts by id for ``ttl_s`` seconds; unknown plants are never cached."""

    def __init__(self, ttl_s: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[uuid.UUID, tuple[float, PlantFacts]] = {}

    async def get(self, plant_id: uuid.UUID, load: PlantLoader) -> PlantFacts:
        now = self._clock()
        entry = self._entries.get(plant_id)
        if entry is not None and now - entry[0] < self.ttl_s:
            return entry[1]
        facts = await load(plant_id)
        self._entries[plant_id] = (now, facts)
        return facts

    def forget(self, plant_id: uuid.UUID) -> None:
        self._entries.pop(plant_id, None)


class PreviewService:
    def __init__(self, reads: PreviewReads, policies: DispatchPolicyRegistry, cache: PlantFactsCache) -> None:
        self.reads = reads
        self.policies = policies
        self.cache = cache

    async def preview(self, caller: Principal, request: PreviewRequest) -> Decision:
        require(caller, Resource.DISPATCH_PREVIEW, Action.READ)
        plant = await self.cache.get(request.plant_id, self.reads.facts)
        reported_at = reported_at_or_now(request.reported_at, datetime.now(UTC))
        return await decide_for(self.policies, self.reads, plant, request.site, reported_at, request.urgency)
