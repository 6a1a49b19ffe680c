"""Credentials in URL paths never reach a log line (``api.access_log``)."""

from __future__ import annotations

import logging

import pytest

from api.access_log import ACCESS_FORMAT, RedactSecrets, redact_path


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/track/osmand/dev-s3cr3t?id=1&lat=37.4&lon=121.4", "/track/osmand/***?***"),
        ("/track/owntracks/dev-s3cr3t", "/track/owntracks/***"),
        ("/track/Tk_abc123", "/track/***"),
        ("/api/v1/track/Tk_abc123/events", "/api/v1/track/***/events"),
        ("/api/v1/track/Tk_abc123/report.pdf", "/api/v1/track/***/report.pdf"),
        ("/api/v1/quotes/confirm/q-token", "/api/v1/quotes/confirm/***"),
        ("/api/v1/quotes/refuse/q-token", "/api/v1/quotes/refuse/***"),
        ("/api/v1/objects/uploads/u-token", "/api/v1/objects/uploads/***"),
        ("/api/v1/objects/downloads/d-token?x=1", "/api/v1/objects/downloads/***?***"),
        ("/api/v1/events?topics=tickets&token=abc", "/api/v1/events?topics=tickets&token=***"),
        ("/track/owntracks", "/track/owntracks"),  # Basic auth: no secret in the path
        ("/api/v1/tickets?status=new", "/api/v1/tickets?status=new"),
    ],
)
def test_secret_paths_are_redacted(path: str, logged: str) -> None:
    assert redact_path(path) == logged


def test_filter_redacts_uvicorn_access_record_arguments() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/track/osmand/dev-s3cr3t?lat=1", "1.1", 200),
        None,
    )
    assert RedactSecrets().filter(record)
    assert "dev-s3cr3t" not in record.getMessage()
    assert "/track/osmand/***" in record.getMessage()


def test_filter_redacts_granian_access_records_path_and_query_as_one() -> None:
    """granian's access record is a dict with the path and the query string apart."""
    args = {
        "addr": "127.0.0.1",
        "method": "GET",
        "path": "/track/osmand/dev-s3cr3t",
        "query_string": "id=1&lat=37.4",
        "protocol": "HTTP/1.1",
        "status": 200,
        "dt_ms": 1.5,
    }
    record = logging.LogRecord("granian.access", logging.INFO, __file__, 1, ACCESS_FORMAT, None, None)
    record.args = args
    assert RedactSecrets().filter(record)
    assert record.getMessage() == '127.0.0.1 - "GET /track/osmand/***?*** HTTP/1.1" 200 1.5 ms'
    record = logging.LogRecord("granian.access", logging.INFO, __file__, 1, ACCESS_FORMAT, None, None)
    record.args = {**args, "path": "/api/v1/tickets", "query_string": "status=new"}
    assert RedactSecrets().filter(record)
    assert '"GET /api/v1/tickets?status=new HTTP/1.1"' in record.getMessage()
