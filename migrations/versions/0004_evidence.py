"""evidence: photos and documents in object storage with their trust assessment

Revision ID: 0004_evidence
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_evidence"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("object_key", sa.String(length=512), nullable=False),
        sa.Column("thumbnail_key", sa.String(length=512), nullable=True),
        sa.Column("app_taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("app_lon", sa.Double(), nullable=True),
        sa.Column("app_lat", sa.Double(), nullable=True),
        sa.Column("app_crs", sa.String(length=10), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("upload_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("phash", sa.BigInteger(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("exif", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("reasons", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("qa_accepted_by", sa.String(length=200), nullable=True),
        sa.Column("qa_reason", sa.Text(), nullable=True),
        sa.Column("qa_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.String(length=200), nullable=True),
        sa.Column("deleted_reason", sa.Text(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "kind IN ('before', 'after', 'fault', 'part', 'nameplate', 'signature', 'notice')",
            name=op.f("ck_evidence_kind"),
        ),
        sa.CheckConstraint("source IN ('camera', 'gallery')", name=op.f("ck_evidence_source")),
        sa.CheckConstraint(
            "status IN ('pending', 'verified', 'deleted', 'expired')", name=op.f("ck_evidence_status")
        ),
        sa.CheckConstraint("size > 0", name=op.f("ck_evidence_size")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_evidence_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint("object_key", name=op.f("uq_evidence_object_key")),
    )
    op.create_index(op.f("ix_evidence_ticket_id"), "evidence", ["ticket_id"], unique=False)
    op.create_index(op.f("ix_evidence_sha256"), "evidence", ["sha256"], unique=False)
    op.create_index(op.f("ix_evidence_status"), "evidence", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_evidence_status"), table_name="evidence")
    op.drop_index(op.f("ix_evidence_sha256"), table_name="evidence")
    op.drop_index(op.f("ix_evidence_ticket_id"), table_name="evidence")
    op.drop_table("evidence")
