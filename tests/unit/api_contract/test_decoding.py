"""The input gate's checks (api/decoding.py; limits in docs/api.md)."""

from __future__ import annotations

import pytest

from api.decoding import MAX_JSON_DEPTH, InvalidRequest, check_query, decode_body, json_depth


def test_depth_counts_arrays_and_objects_but_not_brackets_in_strings() -> None:
    assert json_depth(b'{"a": [1, {"b": "[[[{{{"}]}') == 3
    assert json_depth(b'"\\"[["') == 0
    assert json_depth(b"[" * 3000 + b"]" * 3000) == 3000


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (b'{"a": {"b": "x\\u0000y"}}', "a.b", "NUL"),
        (b'{"a": [{"b\\u0000": 1}]}', "a[0]", "NUL"),
        (b'{"at": "0001-01-01T00:00:00+14:00"}', "at", "UTC"),
        (b'{"at": "9999-12-31T23:59:59-14:00"}', "at", "UTC"),
        (b'{"at": "1899-12-31T23:59:59Z"}', "at", "1900"),
        (b'{"day": "2201-01-01"}', "day", "2200"),
        (b'{"n": ' + b"9" * 401 + b"}", "n", "64-bit"),
        (b'{"n": -9223372036854775809}', "n", "64-bit"),
        (b'{"p": {"lat": 1e400}}', "p.lat", "float"),
        (b'{"s": {"t": "\xff"}}', "s.t", "UTF-8"),
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), None, "nested"),
        (b'{"a": ', None, "not valid JSON"),
    ],
)
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
