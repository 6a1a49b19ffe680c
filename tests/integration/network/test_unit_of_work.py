"""The request's unit of work (ADR 0011): a COMMIT the database refuses answers an error, never 2xx.

A deferred constraint trigger is checked only at COMMIT, after the handler has returned and the
response status was chosen; the request provider commits before the response is sent, so the
client gets a 409 ``not_saved`` and nothing is stored.
"""

from __future__ import annotations

import psycopg
from litestar.testing import TestClient

from storage.migrate import sync_url
from tests.conftest import Auth
from tests.integration.helpers import YANTAI

REFUSED = "refused at commit"
DEFERRED_CHECK = f"""
CREATE FUNCTION refuse_plant_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.name = '{REFUSED}' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'plant name refused at commit';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER refuse_plant_at_commit AFTER INSERT ON plants
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_plant_at_commit();
"""


def _plants_named(url: str, name: str) -> int:
    with psycopg.connect(sync_url(url).replace("+psycopg", ""), autocommit=True) as db:
        row = db.execute("SELECT count(*) FROM plants WHERE name = %s", (name,)).fetchone()
    assert row is not None
    return int(row[0])


def test_a_commit_refused_by_a_deferred_constraint_answers_409_and_saves_nothing(
    client: TestClient,  # type: ignore[type-arg]
    auth: Auth,
    database_url: str,
) -> None:
    with psycopg.connect(sync_url(database_url).replace("+psycopg", ""), autocommit=True) as db:
        db.execute(DEFERRED_CHECK)  # type: ignore[arg-type]
    headers = auth("dispatcher")
    body = {"location": YANTAI, "policy": "vehicle-500km"}

    accepted = client.post("/api/v1/plants", json={**body, "name": "Yantai"}, headers=headers)
    refused = client.post("/api/v1/plants", json={**body, "name": REFUSED}, headers=headers)

    assert accepted.status_code == 201, accepted.text
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "not_saved"
    assert "plant name refused at commit" in refused.json()["detail"]
    assert _plants_named(database_url, "Yantai") == 1
    assert _plants_named(database_url, REFUSED) == 0
