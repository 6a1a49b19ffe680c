"""A warranty job is "evidence complete" only with trusted before/after/notice (R-NW-1)."""

from __future__ import annotations

from dispatch.evidence import EvidenceItemState, evidence_complete


def test_r_nw_1_complete_when_every_required_kind_is_trusted() -> None:
    items = [
        EvidenceItemState("before", 0.9),
        EvidenceItemState("after", 1.0),
        EvidenceItemState("notice", 0.65),
        EvidenceItemState("fault", 0.1),  # not required: does not matter
    ]
    result = evidence_complete(items)
    assert result.complete
    assert result.as_dict() == {"complete": True, "missing": [], "below_threshold": []}


def test_r_nw_1_missing_and_doubtful_kinds_are_named() -> None:
    items = [
        EvidenceItemState("before", 0.4),
        EvidenceItemState("before", None),  # not verified yet
        EvidenceItemState("after", 0.9),
    ]
    result = evidence_complete(items)
    assert not result.complete
    assert result.missing == ("notice",)
    assert result.below_threshold == ("before",)


def test_r_nw_1_qa_acceptance_overrides_a_low_score() -> None:
    items = [
        EvidenceItemState("before", 0.2, qa_accepted=True),
        EvidenceItemState("after", 0.9),
        EvidenceItemState("notice", 0.9),
    ]
    assert evidence_complete(items).complete


def test_required_kinds_and_threshold_are_configurable() -> None:
    items = [EvidenceItemState("signature", 0.5)]
    assert evidence_complete(items, required_kinds=("signature",), threshold=0.5).complete
    assert not evidence_complete(items, required_kinds=("signature",), threshold=0.6).complete
    assert evidence_complete([], required_kinds=()).complete
