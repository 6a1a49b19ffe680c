"""The access table as Markdown, for docs/security.md (``python -m dispatch.access.document``)."""

from __future__ import annotations

import sys
from pathlib import Path

from dispatch.access.policy import TABLE, Reach
from dispatch.access.principal import Role
from dispatch.access.routes import ROUTES

BEGIN = "<!-- access-table:begin (generated: python -m dispatch.access.document --write) -->"
END = "<!-- access-table:end -->"
DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
_SHORT = {Reach.ANY: "any", Reach.OWN_OUTLET: "own outlet", Reach.OWN_JOB: "own job", Reach.SELF: "self"}


def table_markdown() -> str:
    """One line per (resource, action): each role's reach ("–": denied, 403) and its routes."""
    roles = list(Role)
    lines = [
        "| resource | action | " + " | ".join(r.value for r in roles) + " | routes |",
        "|---|---|" + "---|" * len(roles) + "---|",
    ]
    for (resource, action), row in TABLE.items():
        routes = sorted(f"`{m} {p}`" for (m, p), key in ROUTES.items() if key == (resource, action))
        cells = [_SHORT.get(row[r], row[r].value) if r in row else "–" for r in roles]
        lines.append(
            f"| {resource.value} | {action.value} | " + " | ".join(cells) + f" | {', '.join(routes)} |"
        )
    return "\n".join(lines)


def refreshed(text: str) -> str:
    """``text`` with the part between the markers replaced by the current table."""
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{table_markdown()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    if "--write" in argv:
        DOC.write_text(refreshed(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(table_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
