"""Warranty rows: ticket components, downtime, entitlements, exclusions, quotes, losses, claims, recalls.

Race-prone writes are decided by the database: a quote changes state through one conditional
``UPDATE … WHERE status = 'pending' AND expires_at > now()`` (two confirms → one row updated),
free visits are counted under the asset's row lock, and recall items are inserted with
``ON CONFLICT DO NOTHING`` against ``uq_recall_items_campaign_id_asset_id``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.models import (
    Asset,
    AssetDowntime,
    Customer,
    InternalLoss,
    Quote,
    RecallCampaign,
    RecallItem,
    SupplierClaim,
    Ticket,
    TicketComponent,
    WarrantyEntitlement,
    WarrantyExclusion,
)

Row = TypeVar(
    "Row", AssetDowntime, WarrantyEntitlement, WarrantyExclusion, Quote, InternalLoss, SupplierClaim
)

PENDING = "pending"
RELEASED = ("confirmed", "overridden")


class WarrantyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: Row) -> Row:
        self.session.add(row)
        await self.session.flush()
        await self.session.refresh(row)
        return row

    # assets and tickets -------------------------------------------------------------------
    async def asset_for_update(self, asset_id: uuid.UUID) -> Asset:
        """The asset, row-locked until the transaction ends (serialises free-visit counting)."""
        asset = await self.session.scalar(
            select(Asset)
            .where(Asset.id == asset_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if asset is None:
            raise NotFound("asset", asset_id)
        return asset

    async def customer_timezone(self, customer_id: uuid.UUID | None) -> str | None:
        if customer_id is None:
            return None
        return await self.session.scalar(select(Customer.timezone).where(Customer.id == customer_id))

    async def set_components(self, ticket_id: uuid.UUID, classes: Sequence[str]) -> None:
        for position, class_id in enumerate(classes):
            self.session.add(TicketComponent(ticket_id=ticket_id, class_id=class_id, position=position))
        await self.session.flush()

    async def components(self, ticket_id: uuid.UUID) -> list[str]:
        rows = await self.session.scalars(
            select(TicketComponent.class_id)
            .where(TicketComponent.ticket_id == ticket_id)
            .order_by(TicketComponent.position)
        )
        return list(rows)

    # downtime ---------------------------------------------------------------------------
    async def downtime(self, asset_id: uuid.UUID) -> list[AssetDowntime]:
        rows = await self.session.scalars(
            select(AssetDowntime)
            .where(AssetDowntime.asset_id == asset_id)
            .order_by(AssetDowntime.started_at, AssetDowntime.id)
        )
        return list(rows)

    # entitlements -----------------------------------------------------------------------
    async def latest_entitlement(self, ticket_id: uuid.UUID) -> WarrantyEntitlement | None:
        return await self.session.scalar(
            select(WarrantyEntitlement)
            .where(WarrantyEntitlement.ticket_id == ticket_id)
            .order_by(WarrantyEntitlement.seq.desc())
            .limit(1)
        )

    async def free_visits_used(self, asset_id: uuid.UUID, other_than: uuid.UUID) -> int:
        """Tickets of the asset (but ``other_than``) whose current entitlement spends an R-WA-8 visit."""
        latest = (
            select(WarrantyEntitlement.ticket_id, WarrantyEntitlement.uses_free_visit)
            .where(WarrantyEntitlement.asset_id == asset_id, WarrantyEntitlement.ticket_id != other_than)
            .ext(distinct_on(WarrantyEntitlement.ticket_id))
            .order_by(WarrantyEntitlement.ticket_id, WarrantyEntitlement.seq.desc())
            .subquery()
        )
        count = await self.session.scalar(
            select(func.count()).select_from(latest).where(latest.c.uses_free_visit.is_(True))
        )
        return int(count or 0)

    # exclusions -------------------------------------------------------------------------
    async def exclusions(self, ticket_id: uuid.UUID, active_only: bool = False) -> list[WarrantyExclusion]:
        query = select(WarrantyExclusion).where(WarrantyExclusion.ticket_id == ticket_id)
        if active_only:
            query = query.where(WarrantyExclusion.withdrawn_at.is_(None))
        rows = await self.session.scalars(query.order_by(WarrantyExclusion.created_at, WarrantyExclusion.id))
        return list(rows)

    async def exclusion(self, ticket_id: uuid.UUID, exclusion_id: uuid.UUID) -> WarrantyExclusion:
        row = await self.session.scalar(
            select(WarrantyExclusion)
            .where(WarrantyExclusion.id == exclusion_id, WarrantyExclusion.ticket_id == ticket_id)
            .with_for_update()
        )
        if row is None:
            raise NotFound("exclusion", exclusion_id)
        return row

    # quotes -----------------------------------------------------------------------------
    async def quote(self, quote_id: uuid.UUID) -> Quote:
        row = await self.session.scalar(
            select(Quote).where(Quote.id == quote_id).execution_options(populate_existing=True)
        )
        if row is None:
            raise NotFound("quote", quote_id)
        return row

    async def quote_by_token(self, token_sha256: str) -> Quote:
        row = await self.session.scalar(
            select(Quote).where(Quote.token_sha256 == token_sha256).execution_options(populate_existing=True)
        )
        if row is None:
            raise NotFound("quote", "for this link")
        return row

    async def quotes(self, ticket_id: uuid.UUID) -> list[Quote]:
        rows = await self.session.scalars(
            select(Quote).where(Quote.ticket_id == ticket_id).order_by(Quote.created_at, Quote.id)
        )
        return list(rows)

    async def supersede_pending(self, ticket_id: uuid.UUID, now: datetime) -> list[uuid.UUID]:
        rows = await self.session.scalars(
            update(Quote)
            .where(Quote.ticket_id == ticket_id, Quote.status == PENDING)
            .values(status="superseded", decided_at=now)
            .returning(Quote.id)
        )
        return list(rows)

    async def decide_quote(
        self, quote_id: uuid.UUID, from_statuses: Sequence[str], values: dict[str, Any], now: datetime
    ) -> bool:
        """Move the quote on only if it is still in ``from_statuses`` and (when pending) unexpired.

        One statement: of two concurrent callers, the second waits for the first's row lock,
        re-checks the condition after it commits and updates nothing.
        """
        unexpired = or_(Quote.status != PENDING, Quote.expires_at > now)
        updated = await self.session.scalar(
            update(Quote)
            .where(Quote.id == quote_id, Quote.status.in_(list(from_statuses)), unexpired)
            .values(**values)
            .returning(Quote.id)
        )
        return updated is not None

    async def quote_unconfirmed(self, ticket_id: uuid.UUID) -> bool:
        """The current entitlement is paid and the latest quote is neither confirmed nor overridden."""
        return ticket_id in await self.unconfirmed_quotes([ticket_id])

    async def unconfirmed_quotes(self, ticket_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Those of ``ticket_ids`` whose current entitlement is paid and whose latest quote is
        neither confirmed nor overridden (R-WA-7); two queries, whatever the number of tickets."""
        if not ticket_ids:
            return set()
        paid = await self.session.execute(
            select(WarrantyEntitlement.ticket_id, WarrantyEntitlement.needs_confirmation)
            .where(WarrantyEntitlement.ticket_id.in_(list(ticket_ids)))
            .ext(distinct_on(WarrantyEntitlement.ticket_id))
            .order_by(WarrantyEntitlement.ticket_id, WarrantyEntitlement.seq.desc())
        )
        waiting = {ticket_id for ticket_id, needs in paid.all() if needs}
        if not waiting:
            return set()
        quotes = await self.session.execute(
            select(Quote.ticket_id, Quote.status)
            .where(Quote.ticket_id.in_(list(waiting)), Quote.status != "superseded")
            .ext(distinct_on(Quote.ticket_id))
            .order_by(Quote.ticket_id, Quote.created_at.desc(), Quote.id.desc())
        )
        released = {ticket_id for ticket_id, status in quotes.all() if status in RELEASED}
        return waiting - released

    # internal losses and supplier claims ------------------------------------------------
    async def replace_estimates(self, ticket_id: uuid.UUID, rows: Sequence[InternalLoss]) -> None:
        await self.session.execute(
            delete(InternalLoss).where(InternalLoss.ticket_id == ticket_id, InternalLoss.kind == "estimate")
        )
        self.session.add_all(rows)
        await self.session.flush()

    async def losses(self, ticket_id: uuid.UUID) -> list[InternalLoss]:
        rows = await self.session.scalars(
            select(InternalLoss)
            .where(InternalLoss.ticket_id == ticket_id)
            .order_by(InternalLoss.created_at, InternalLoss.component_class, InternalLoss.id)
        )
        return list(rows)

    async def attribute_losses(self, ticket_id: uuid.UUID, component_class: str, supplier: str) -> None:
        await self.session.execute(
            update(InternalLoss)
            .where(
                InternalLoss.ticket_id == ticket_id,
                InternalLoss.component_class == component_class,
                InternalLoss.supplier.is_(None),
            )
            .values(supplier=supplier)
        )

    async def loss_totals(self, supplier: str | None = None) -> list[tuple[str | None, str, str, Any]]:
        """Sum of internal losses by supplier, component class and currency."""
        query = select(
            InternalLoss.supplier,
            InternalLoss.component_class,
            InternalLoss.currency,
            func.sum(InternalLoss.amount),
        ).group_by(InternalLoss.supplier, InternalLoss.component_class, InternalLoss.currency)
        if supplier is not None:
            query = query.where(InternalLoss.supplier == supplier)
        rows = await self.session.execute(query.order_by(InternalLoss.supplier, InternalLoss.component_class))
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    async def claim_exists(self, ticket_id: uuid.UUID, component_class: str, supplier: str) -> bool:
        found = await self.session.scalar(
            select(SupplierClaim.id).where(
                SupplierClaim.ticket_id == ticket_id,
                SupplierClaim.component_class == component_class,
                SupplierClaim.supplier == supplier,
            )
        )
        return found is not None

    async def claims(self, ticket_id: uuid.UUID) -> list[SupplierClaim]:
        rows = await self.session.scalars(
            select(SupplierClaim)
            .where(SupplierClaim.ticket_id == ticket_id)
            .order_by(SupplierClaim.created_at)
        )
        return list(rows)

    # recalls ----------------------------------------------------------------------------
    async def campaign_for_key(self, campaign: RecallCampaign) -> tuple[RecallCampaign, bool]:
        """Insert the campaign unless one with its key exists; ``(row, created)``."""
        values = {c.key: getattr(campaign, c.key) for c in RecallCampaign.__table__.columns if c.key != "id"}
        values = {k: v for k, v in values.items() if v is not None}
        created = await self.session.scalar(
            insert(RecallCampaign)
            .values(id=uuid.uuid4(), **values)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(RecallCampaign.id)
        )
        row = await self.session.scalar(
            select(RecallCampaign)
            .where(RecallCampaign.key == campaign.key)
            .execution_options(populate_existing=True)
        )
        assert row is not None
        return row, created is not None

    async def recall_candidates(
        self, batch: str | None, model: str | None, date_from: date | None, date_to: date | None
    ) -> list[Asset]:
        """Assets of the batch, or of the model produced in the range (factory date, else sale date)."""
        query = select(Asset)
        if batch is not None:
            query = query.where(Asset.batch == batch)
        else:
            produced = func.coalesce(Asset.factory_date, Asset.sold_on)
            query = query.where(and_(Asset.model == model, produced >= date_from, produced <= date_to))
        rows = await self.session.scalars(query.order_by(Asset.serial))
        return list(rows)

    async def add_recall_items(
        self, campaign_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Insert the missing items; the ids of the assets that were new to the campaign."""
        if not asset_ids:
            return set()
        rows = await self.session.scalars(
            insert(RecallItem)
            .values([{"campaign_id": campaign_id, "asset_id": a} for a in asset_ids])
            .on_conflict_do_nothing(index_elements=["campaign_id", "asset_id"])
            .returning(RecallItem.asset_id)
        )
        return set(rows)

    async def set_recall_ticket(
        self, campaign_id: uuid.UUID, asset_id: uuid.UUID, ticket_id: uuid.UUID
    ) -> None:
        await self.session.execute(
            update(RecallItem)
            .where(RecallItem.campaign_id == campaign_id, RecallItem.asset_id == asset_id)
            .values(ticket_id=ticket_id)
        )

    async def recall_items(self, campaign_id: uuid.UUID) -> list[tuple[Asset, Ticket | None]]:
        rows = await self.session.execute(
            select(Asset, Ticket)
            .join(RecallItem, RecallItem.asset_id == Asset.id)
            .outerjoin(Ticket, Ticket.id == RecallItem.ticket_id)
            .where(RecallItem.campaign_id == campaign_id)
            .order_by(Asset.serial)
        )
        return [(row[0], row[1]) for row in rows]

    async def campaign(self, campaign_id: uuid.UUID) -> RecallCampaign:
        row = await self.session.get(RecallCampaign, campaign_id)
        if row is None:
            raise NotFound("recall", campaign_id)
        return row

    async def recall_of_ticket(self, ticket_id: uuid.UUID) -> RecallCampaign | None:
        return await self.session.scalar(
            select(RecallCampaign)
            .join(RecallItem, RecallItem.campaign_id == RecallCampaign.id)
            .where(RecallItem.ticket_id == ticket_id)
        )
