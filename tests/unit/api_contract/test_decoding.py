"""The input gate's checks (api/decoding.py; limits in docs/api.md)."""

from __future__ import annotations

import pytest

from api.decoding import (
    _UNSURE,
    MAX_JSON_DEPTH,
    InvalidRequest,
    _decode_checked,
    _decode_plain,
    check_query,
    decode_body,
    json_depth,
)

BAD_BODIES = [
    (b'{"a": {"b": "x\\u0000y"}}', "a.b", "NUL"),
    (b'{"a": [{"b\\u0000": 1}]}', "a[0]", "NUL"),
    (b'{"at": "0001-01-01T00:00:00+14:00"}', "at", "UTC"),
    (b'{"at": "9999-12-31T23:59:59-14:00"}', "at", "UTC"),
    (b'{"at": "1899-12-31T23:59:59Z"}', "at", "1900"),
    (b'{"day": "2201-01-01"}', "day", "2200"),
    (b'{"2201-01-01": 1}', None, "2200"),
    (b'{"n": ' + b"9" * 401 + b"}", "n", "64-bit"),
    (b'{"n": -9223372036854775809}', "n", "64-bit"),
    (b'{"n": 9223372036854775808}', "n", "64-bit"),
    (b'{"p": {"lat": 1e400}}', "p.lat", "float"),
    (b'{"s": {"t": "\xff"}}', "s.t", "UTF-8"),
    (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), None, "nested"),
    (b'{"a": "' + b"x" * 100_001 + b'"}', "a", "longer"),
    (b'{"a": ', None, "not valid JSON"),
]


def test_depth_counts_arrays_and_objects_but_not_brackets_in_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[{{{"}]}') == 3
    assert json_depth(b'"\\"[["') == 0
    assert json_depth(b"[" * 3000 + b"]" * 3000) == 3000


@pytest.mark.parametrize(("body", "field", "words"), BAD_BODIES)
def test_bad_bodies_are_refused_naming_the_field(body: bytes, field: str | None, words: str) -> None:
    with pytest.raises(InvalidRequest, match=words) as refused:
        decode_body(body)
    assert refused.value.field == field


def test_good_bodies_pass_unchanged() -> None:
    body = b'{"at": "2026-03-02T09:30:00+08:00", "n": 9223372036854775807, "s": "1900-01-01", "x": 1.5}'
    assert decode_body(body) == {
        "at": "2026-03-02T09:30:00+08:00",
        "n": 2**63 - 1,
        "s": "1900-01-01",
        "x": 1.5,
    }
    nested = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert json_depth(nested) == MAX_JSON_DEPTH
    decode_body(nested)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (b"q=a%00b", "q"),
        (b"page=10000000000000000000", "page"),
        (b"from=0001-01-01T00%3A00%3A00%2B14%3A00", "from"),
        (b"q=%FF", None),
    ],
)
def test_bad_queries_are_refused_naming_the_parameter(query: bytes, field: str | None) -> None:
    with pytest.raises(InvalidRequest) as refused:
        check_query(query)
    assert refused.value.field == field


def test_good_queries_pass() -> None:
    check_query(b"page=2&page_size=50&q=%E7%8E%8B&from=2026-03-02T00%3A00%3A00Z")


def test_numbers_of_thousands_of_digits_are_refused_not_crashed() -> None:
    """Python refuses int() of more than 4,300 digits; the gate answers 400 before that matters."""
    with pytest.raises(InvalidRequest, match="64-bit") as refused:
        decode_body(b'{"a": {"n": ' + b"9" * 5000 + b"}}")
    assert refused.value.field == "a.n"
    with pytest.raises(InvalidRequest, match="64-bit") as refused:
        check_query(b"page=" + b"9" * 5000)
    assert refused.value.field == "page"


GOOD_BODIES = [
    b'{"at": "2026-03-02T09:30:00+08:00", "n": 9223372036854775807, "s": "1900-01-01", "x": 1.5}',
    b'{"a": [1, {"b": "[[[{{{"}], "c": "]]}}", "d": "\xe7\x8e\x8b"}',
    b'{"positions": [{"technician_id": "8f9e", "lon": 121.4, "lat": 37.4, "fix_time": 1795000000123}]}',
    b'{"note": "line\\nbreak \\u00e9 \\"quoted 2201-01-01\\""}',
    b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH,
]


@pytest.mark.parametrize("body", [body for body, _, _ in BAD_BODIES] + GOOD_BODIES)
def test_the_plain_reading_vouches_only_for_what_the_checks_accept(body: bytes) -> None:
    """``_decode_plain`` skips the per-value walk; where it answers, the full checks agree."""
    plain = _decode_plain(body)
    try:
        checked = _decode_checked(body)
    except InvalidRequest:
        assert plain is _UNSURE
    else:
        assert plain is _UNSURE or plain == checked


def test_a_plain_batch_is_read_without_the_walk() -> None:
    """The ingest batch (numbers, ids, ISO times, no escapes) is what the plain reading is for."""
    item = b'{"technician_id": "8f9e", "lon": 121.4, "lat": 37.4, "fix_time": "2026-11-23T06:00:00Z"}'
    body = b'{"positions": [' + b", ".join([item] * 100) + b"]}"
    assert _decode_plain(body) == _decode_checked(body)
