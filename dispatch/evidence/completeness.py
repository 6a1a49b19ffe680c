"""May a warranty job be closed as "evidence complete"? (R-NW-1, R-NW-2).

A job done by an outlet under the company's warranty needs the required kinds of evidence
(default: ``before``, ``after`` and the signed ``notice``), each with at least one item whose
trust score reaches the threshold — or that a QA user accepted with a reason (the service
records who and why; here it is a flag).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dispatch.evidence.policy import DEFAULT_REQUIRED_KINDS, DEFAULT_THRESHOLD


@dataclass(frozen=True, slots=True)
class EvidenceItemState:
    """One stored evidence item as the completeness check sees it.

    ``score`` is ``None`` while the item is not verified yet (it then counts for nothing).
    """

    kind: str
    score: float | None
    qa_accepted: bool = False

    def counts(self, threshold: float) -> bool:
        """Whether this item satisfies its kind."""
        return self.qa_accepted or (self.score is not None and self.score >= threshold)


@dataclass(frozen=True, slots=True)
class Completeness:
    """The verdict, with what is missing (no item) and what is doubtful (all items too low)."""

    complete: bool
    missing: tuple[str, ...]
    below_threshold: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "complete": self.complete,
            "missing": list(self.missing),
            "below_threshold": list(self.below_threshold),
        }


def evidence_complete(
    items: Iterable[EvidenceItemState],
    required_kinds: Sequence[str] = DEFAULT_REQUIRED_KINDS,
    threshold: float = DEFAULT_THRESHOLD,
) -> Completeness:
    """Check every required kind has an item above ``threshold`` or accepted by QA."""
    by_kind: dict[str, list[EvidenceItemState]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    missing: list[str] = []
    doubtful: list[str] = []
    for kind in dict.fromkeys(required_kinds):
        present = by_kind.get(kind, [])
        if not present:
            missing.append(kind)
        elif not any(item.counts(threshold) for item in present):
            doubtful.append(kind)
    return Completeness(not missing and not doubtful, tuple(missing), tuple(doubtful))
