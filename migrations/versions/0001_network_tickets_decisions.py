"""network, customers, tickets, decisions

Revision ID: 0001
Revises:
Create Date: 2026-11-23 13:21:51.103835
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE_DECISIONS = """
CREATE FUNCTION forbid_decision_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dispatch decisions are immutable (% on %)', TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER dispatch_decisions_immutable
    BEFORE UPDATE OR DELETE ON dispatch_decisions
    FOR EACH ROW EXECUTE FUNCTION forbid_decision_change();
"""


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "customers",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("timezone", sa.String(length=64), server_default="Asia/Shanghai", nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    op.create_index(op.f("ix_customers_phone"), "customers", ["phone"], unique=False)
    op.create_geospatial_table(
        "plants",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "location",
            Geography(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("policy", sa.String(length=100), nullable=False),
        sa.Column("timezone", sa.String(length=64), server_default="Asia/Shanghai", nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plants")),
    )
    op.create_geospatial_index(
        "idx_plants_location",
        "plants",
        ["location"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_table(
        "assets",
        sa.Column("serial", sa.String(length=100), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("product_line", sa.String(length=20), server_default="vehicle", nullable=False),
        sa.Column("plant_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("factory_date", sa.Date(), nullable=True),
        sa.Column("sold_on", sa.Date(), nullable=True),
        sa.Column("registration_date", sa.Date(), nullable=True),
        sa.Column("acceptance_date", sa.Date(), nullable=True),
        sa.Column("batch", sa.String(length=100), nullable=True),
        sa.Column("warranty_policy", sa.String(length=100), nullable=True),
        sa.Column("warranty_policy_version", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_assets_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(["plant_id"], ["plants.id"], name=op.f("fk_assets_plant_id_plants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assets")),
        sa.UniqueConstraint("serial", name=op.f("uq_assets_serial")),
    )
    op.create_index(op.f("ix_assets_batch"), "assets", ["batch"], unique=False)
    op.create_index(op.f("ix_assets_customer_id"), "assets", ["customer_id"], unique=False)
    op.create_index(op.f("ix_assets_plant_id"), "assets", ["plant_id"], unique=False)
    op.create_geospatial_table(
        "outlets",
        sa.Column("plant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "location",
            Geography(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("service_radius_km", sa.Numeric(precision=9, scale=3), nullable=True),
        sa.Column(
            "service_area",
            Geography(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
            ),
            nullable=True,
        ),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("capabilities", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "service_radius_km IS NULL OR service_radius_km > 0",
            name=op.f("ck_outlets_radius_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["plant_id"],
            ["plants.id"],
            name=op.f("fk_outlets_plant_id_plants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outlets")),
    )
    op.create_geospatial_index(
        "idx_outlets_location",
        "outlets",
        ["location"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_geospatial_index(
        "idx_outlets_service_area",
        "outlets",
        ["service_area"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_outlets_plant_id"), "outlets", ["plant_id"], unique=False)
    op.create_geospatial_table(
        "technicians",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("plant_id", sa.Uuid(), nullable=True),
        sa.Column("outlet_id", sa.Uuid(), nullable=True),
        sa.Column("skills", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column(
            "home",
            Geography(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(plant_id IS NULL) <> (outlet_id IS NULL)", name=op.f("ck_technicians_one_employer")
        ),
        sa.ForeignKeyConstraint(["outlet_id"], ["outlets.id"], name=op.f("fk_technicians_outlet_id_outlets")),
        sa.ForeignKeyConstraint(["plant_id"], ["plants.id"], name=op.f("fk_technicians_plant_id_plants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technicians")),
    )
    op.create_geospatial_index(
        "idx_technicians_home",
        "technicians",
        ["home"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_technicians_outlet_id"), "technicians", ["outlet_id"], unique=False)
    op.create_index(op.f("ix_technicians_plant_id"), "technicians", ["plant_id"], unique=False)
    op.create_geospatial_table(
        "tickets",
        sa.Column("number", sa.BigInteger(), sa.Identity(always=False, start=1001), nullable=False),
        sa.Column("plant_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("asset_id", sa.Uuid(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_phone", sa.String(length=50), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("fault_description", sa.Text(), nullable=False),
        sa.Column("fault_type", sa.String(length=30), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column(
            "site",
            Geography(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeogFromText",
                name="geography",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("site_input_lon", sa.Double(), nullable=False),
        sa.Column("site_input_lat", sa.Double(), nullable=False),
        sa.Column("site_input_crs", sa.String(length=10), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), server_default="Asia/Shanghai", nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("outlet_id", sa.Uuid(), nullable=True),
        sa.Column("arrival_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_id", sa.Uuid(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_tickets_asset_id_assets")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_tickets_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(["outlet_id"], ["outlets.id"], name=op.f("fk_tickets_outlet_id_outlets")),
        sa.ForeignKeyConstraint(["plant_id"], ["plants.id"], name=op.f("fk_tickets_plant_id_plants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
    )
    op.create_geospatial_index(
        "idx_tickets_site",
        "tickets",
        ["site"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_tickets_arrival_deadline"), "tickets", ["arrival_deadline"], unique=False)
    op.create_index(op.f("ix_tickets_asset_id"), "tickets", ["asset_id"], unique=False)
    op.create_index(op.f("ix_tickets_customer_id"), "tickets", ["customer_id"], unique=False)
    op.create_index(op.f("ix_tickets_outlet_id"), "tickets", ["outlet_id"], unique=False)
    op.create_index(op.f("ix_tickets_plant_id"), "tickets", ["plant_id"], unique=False)
    op.create_index(op.f("ix_tickets_status"), "tickets", ["status"], unique=False)
    op.create_table(
        "dispatch_decisions",
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("plant_id", sa.Uuid(), nullable=False),
        sa.Column("policy_name", sa.String(length=100), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("distance_km", sa.Numeric(precision=10, scale=3), nullable=False),
        sa.Column("outlet_id", sa.Uuid(), nullable=True),
        sa.Column("outlet_distance_km", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("arrival_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inputs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("explanation", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("warnings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "decided_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outlet_id"], ["outlets.id"], name=op.f("fk_dispatch_decisions_outlet_id_outlets")
        ),
        sa.ForeignKeyConstraint(
            ["plant_id"], ["plants.id"], name=op.f("fk_dispatch_decisions_plant_id_plants")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_dispatch_decisions_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_decisions")),
    )
    op.create_index(
        op.f("ix_dispatch_decisions_ticket_id"), "dispatch_decisions", ["ticket_id"], unique=False
    )
    op.create_table(
        "ticket_events",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_events_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
        sa.UniqueConstraint("seq", name=op.f("uq_ticket_events_seq")),
    )
    op.create_index(op.f("ix_ticket_events_ticket_id"), "ticket_events", ["ticket_id"], unique=False)
    op.create_foreign_key("fk_tickets_decision", "tickets", "dispatch_decisions", ["decision_id"], ["id"])
    # A decision is evidence of what was promised: never changed, never deleted.
    op.execute(IMMUTABLE_DECISIONS)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS dispatch_decisions_immutable ON dispatch_decisions")
    op.execute("DROP FUNCTION IF EXISTS forbid_decision_change()")
    op.drop_constraint("fk_tickets_decision", "tickets", type_="foreignkey")
    op.drop_index(op.f("ix_ticket_events_ticket_id"), table_name="ticket_events")
    op.drop_table("ticket_events")
    op.drop_index(op.f("ix_dispatch_decisions_ticket_id"), table_name="dispatch_decisions")
    op.drop_table("dispatch_decisions")
    op.drop_index(op.f("ix_tickets_status"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_plant_id"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_outlet_id"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_customer_id"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_asset_id"), table_name="tickets")
    op.drop_index(op.f("ix_tickets_arrival_deadline"), table_name="tickets")
    op.drop_geospatial_index(
        "idx_tickets_site", table_name="tickets", postgresql_using="gist", column_name="site"
    )
    op.drop_geospatial_table("tickets")
    op.drop_index(op.f("ix_technicians_plant_id"), table_name="technicians")
    op.drop_index(op.f("ix_technicians_outlet_id"), table_name="technicians")
    op.drop_geospatial_index(
        "idx_technicians_home",
        table_name="technicians",
        postgresql_using="gist",
        column_name="home",
    )
    op.drop_geospatial_table("technicians")
    op.drop_index(op.f("ix_outlets_plant_id"), table_name="outlets")
    op.drop_geospatial_index(
        "idx_outlets_service_area",
        table_name="outlets",
        postgresql_using="gist",
        column_name="service_area",
    )
    op.drop_geospatial_index(
        "idx_outlets_location",
        table_name="outlets",
        postgresql_using="gist",
        column_name="location",
    )
    op.drop_geospatial_table("outlets")
    op.drop_index(op.f("ix_assets_plant_id"), table_name="assets")
    op.drop_index(op.f("ix_assets_customer_id"), table_name="assets")
    op.drop_index(op.f("ix_assets_batch"), table_name="assets")
    op.drop_table("assets")
    op.drop_geospatial_index(
        "idx_plants_location", table_name="plants", postgresql_using="gist", column_name="location"
    )
    op.drop_geospatial_table("plants")
    op.drop_index(op.f("ix_customers_phone"), table_name="customers")
    op.drop_table("customers")
