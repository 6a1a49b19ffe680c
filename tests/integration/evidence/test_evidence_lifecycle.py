"""Evidence after complete: the completeness gate, QA acceptance, soft delete, the service report,
the filesystem store's signed URLs and the orphan clean-up (R-NW-1, R-NW-2, R-FU-6)."""

from __future__ import annotations

import asyncio
import hashlib
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient
from pypdf import PdfReader, PdfWriter
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from api.composition import object_store
from api.settings import Settings
from dispatch.evidence.cleanup import remove_orphans
from storage.objectstore import UploadGrant, new_evidence_key, sign_upload_token
from storage.repositories.evidence import EvidenceRepository
from tests.conftest import Auth
from tests.integration.evidence.support import (
    SITE,
    World,
    announce,
    camera_photo,
    get_url,
    put_bytes,
    upload,
    upload_and_complete,
)
from tests.unit.evidence.photos import jpeg


def signed_notice() -> bytes:
    """A one-page PDF (the scanned, signed notice), written with pypdf."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_r_nw_1_evidence_complete_gate_and_qa_acceptance(evidence_client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    office = auth("dispatcher")
    world = World(evidence_client, office)
    now = datetime.now(UTC)
    ticket = world.ticket(now - timedelta(hours=3))
    outlet = auth("outlet", outlet=world.outlet["id"])
    tid = ticket["id"]
    sign_off = f"/api/v1/tickets/{tid}/evidence/sign-off"

    refused = evidence_client.post(sign_off, headers=outlet)
    assert refused.status_code == 409 and refused.json()["error"] == "evidence_incomplete"
    upload_and_complete(evidence_client, outlet, tid, camera_photo(1, now - timedelta(hours=1)))
    doubtful = upload_and_complete(evidence_client, outlet, tid, jpeg(2), kind="after", source="gallery")
    at_site = {"lon": SITE["lon"], "lat": SITE["lat"], "taken_at": (now - timedelta(minutes=30)).isoformat()}
    notice = upload_and_complete(
        evidence_client,
        outlet,
        tid,
        signed_notice(),
        kind="notice",
        filename="notice.pdf",
        content_type="application/pdf",
        **at_site,
    )
    assert notice["assessment"]["reasons"] == []

    status = evidence_client.get(f"/api/v1/tickets/{tid}/evidence/completeness", headers=outlet).json()
    assert status["complete"] is False
    assert status["missing"] == [] and status["below_threshold"] == ["after"]
    assert evidence_client.post(sign_off, headers=outlet).status_code == 409

    accept = f"/api/v1/evidence/{doubtful['id']}/accept"
    assert evidence_client.post(accept, json={"reason": "ok"}, headers=outlet).status_code == 403
    accepted = evidence_client.post(
        accept, json={"reason": "engineer's phone strips EXIF"}, headers=auth("qa")
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["qa_acceptance"]["reason"] == "engineer's phone strips EXIF"

    done = evidence_client.post(sign_off, headers=outlet)
    assert done.status_code == 200 and done.json()["complete"] is True
    events = evidence_client.get(f"/api/v1/tickets/{tid}", headers=office).json()["events"]
    kinds = [event["kind"] for event in events]
    assert "evidence_accepted" in kinds and kinds[-1] == "evidence_complete"


def test_r_nw_1_soft_delete_is_audited(evidence_client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    office = auth("dispatcher")
    world = World(evidence_client, office)
    now = datetime.now(UTC)
    ticket = world.ticket(now - timedelta(hours=3))
    photo = camera_photo(3, now - timedelta(hours=1))
    item = upload_and_complete(evidence_client, office, ticket["id"], photo)
    listed = evidence_client.get(f"/api/v1/tickets/{ticket['id']}/evidence", headers=office).json()["items"]
    url = listed[0]["download_url"]

    no_reason = evidence_client.delete(f"/api/v1/evidence/{item['id']}", headers=office)
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    outlet = auth("outlet", outlet=world.outlet["id"])
    assert (
        evidence_client.delete(f"/api/v1/evidence/{item['id']}?reason=x", headers=outlet).status_code == 403
    )
    gone = evidence_client.delete(f"/api/v1/evidence/{item['id']}?reason=wrong ticket", headers=office)
    assert gone.status_code == 200, gone.text
    assert gone.json()["status"] == "deleted"
    again = evidence_client.delete(f"/api/v1/evidence/{item['id']}?reason=again", headers=office)
    assert again.status_code == 409

    assert (
        evidence_client.get(f"/api/v1/tickets/{ticket['id']}/evidence", headers=office).json()["items"] == []
    )
    assert get_url(evidence_client, url).status_code in (403, 404)  # the object left the live keys
    events = evidence_client.get(f"/api/v1/tickets/{ticket['id']}", headers=office).json()["events"]
    deleted = [event for event in events if event["kind"] == "evidence_deleted"]
    assert len(deleted) == 1 and deleted[0]["data"]["reason"] == "wrong ticket"
    assert deleted[0]["data"]["moved"][0]["trash_key"].startswith("deleted/")


def test_r_fu_6_service_report_pdf(evidence_client: TestClient, auth: Auth) -> None:  # type: ignore[type-arg]
    office = auth("dispatcher")
    world = World(evidence_client, office)
    now = datetime.now(UTC)
    ticket = world.ticket(now - timedelta(hours=3))
    upload_and_complete(evidence_client, office, ticket["id"], camera_photo(4, now - timedelta(hours=1)))
    upload_and_complete(evidence_client, office, ticket["id"], jpeg(5, size=(300, 120)), kind="signature")

    response = evidence_client.get(f"/api/v1/tickets/{ticket['id']}/report.pdf", headers=auth("qa"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert str(ticket["number"]) in text
    assert "服务报告" in text and "Decision" in text and "outlet" in text
    assert "Evidence verified" in text and "Timeline" in text
    assert "Photos" in text and "before · trust 1.00" in text
    assert "Customer signature" in text and "Site and route" in text


def _ticket_with_pending_upload(client: TestClient, auth: Auth) -> tuple[dict[str, Any], str]:  # type: ignore[type-arg]
    office = auth("dispatcher")
    ticket = World(client, office).ticket(datetime.now(UTC) - timedelta(hours=1))
    return ticket, office["Authorization"]


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_r_nw_1_filesystem_upload_urls_are_signed_and_expire(
    evidence_client: TestClient,  # type: ignore[type-arg]
    evidence_settings: Settings,
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    ticket = World(evidence_client, office).ticket(datetime.now(UTC) - timedelta(hours=1))
    photo = camera_photo(6, datetime.now(UTC))
    target = announce(evidence_client, office, ticket["id"], photo).json()
    assert target["upload_url"].startswith("http://testserver.local/api/v1/objects/uploads/")

    tampered = dict(target, upload_url=target["upload_url"][:-3] + "AAA")
    bad = put_bytes(evidence_client, tampered, photo)
    assert bad.status_code == 403 and bad.json()["error"] == "upload_url_invalid"
    wrong_size = put_bytes(evidence_client, target, photo + b"x")
    assert wrong_size.status_code == 400 and wrong_size.json()["field"] == "size"

    store = object_store(evidence_settings)
    secret = store._secret  # type: ignore[attr-defined]  # the app's derived signing key
    grant = UploadGrant(
        new_evidence_key(ticket["id"]), len(photo), "image/jpeg", datetime.now(UTC) - timedelta(seconds=5)
    )
    expired_url = f"http://testserver.local/api/v1/objects/uploads/{sign_upload_token(secret, grant)}"
    expired = put_bytes(evidence_client, dict(target, upload_url=expired_url), photo)
    assert expired.status_code == 403 and expired.json()["error"] == "upload_url_expired"

    assert put_bytes(evidence_client, target, photo).status_code == 200
    reused = put_bytes(evidence_client, target, photo)
    assert reused.status_code == 409 and reused.json()["error"] == "upload_url_used"


def test_r_nw_1_cleanup_removes_orphans_only(
    evidence_client: TestClient,  # type: ignore[type-arg]
    evidence_settings: Settings,
    auth: Auth,
) -> None:
    office = auth("dispatcher")
    ticket = World(evidence_client, office).ticket(datetime.now(UTC) - timedelta(hours=3))
    now = datetime.now(UTC)
    kept = upload_and_complete(
        evidence_client, office, ticket["id"], camera_photo(7, now - timedelta(hours=1))
    )
    bad_hash = upload(evidence_client, office, ticket["id"], jpeg(8), sha256=hashlib.sha256(b"x").hexdigest())
    assert evidence_client.post(f"/api/v1/evidence/{bad_hash}/complete", headers=office).status_code == 422
    store = object_store(evidence_settings)
    stray = new_evidence_key(ticket["id"])
    store.put(stray, jpeg(9), "image/jpeg")

    async def run(grace: timedelta, at: datetime) -> Any:
        assert evidence_settings.database_url is not None
        engine = create_async_engine(evidence_settings.database_url)
        try:
            async with AsyncSession(engine) as session, session.begin():
                return await remove_orphans(EvidenceRepository(session), store, grace=grace, now=at)
        finally:
            await engine.dispose()

    young = asyncio.run(run(timedelta(hours=1), now))
    assert young.removed == [] and young.young >= 3
    later = now + timedelta(days=2)
    report = asyncio.run(run(timedelta(hours=1), later))
    assert len(report.expired_rows) == 1  # the failed complete's row: it never claimed the photo
    live = set(store.iter_keys("tickets/"))
    assert stray not in live and stray in report.removed
    listed = evidence_client.get(f"/api/v1/tickets/{ticket['id']}/evidence", headers=office).json()["items"]
    assert [item["id"] for item in listed] == [kept["id"]]
    assert get_url(evidence_client, listed[0]["download_url"]).status_code == 200
