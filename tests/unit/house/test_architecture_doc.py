"""``docs/architecture.md``'s domain × layer grid names paths that exist, for every domain."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "architecture.md"
DOMAINS = [
    "network",
    "tickets",
    "warranty",
    "field_work",
    "positions",
    "evidence",
    "planning",
    "planning/routing",
    "customer_tracking",
    "live",
    "notifications",
    "access",
    "calendar",
]
LAYERS = [
    "api/controllers",
    "api/schemas",
    "dispatch",
    "storage/models",
    "storage/repositories",
    "tests/unit",
    "tests/integration",
    "docs",
]


def grid() -> dict[str, list[str]]:
    """Domain → its eight cells, from the first table after "## The grid"."""
    section = DOC.read_text().split("## The grid", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    header = [cell.strip(" `") for cell in rows[0].strip("|").split("|")]
    assert header == ["domain", *LAYERS]
    table: dict[str, list[str]] = {}
    for line in rows[1:]:
        if not line.startswith("| ") or set(line) <= {"|", "-"}:
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != len(header):
            break  # the next table
        table[cells[0]] = cells[1:]
    return table


def test_every_domain_has_a_row_in_order() -> None:
    assert list(grid()) == DOMAINS


def cell_problems(domain: str, layer: str, cell: str) -> list[str]:
    if cell == "—":
        return []
    paths = re.findall(r"`([^`]+)`", cell)
    if not paths:
        return [f"{domain} × {layer}: {cell!r} is neither a path nor —"]
    return [
        f"{domain} × {layer}: {path} does not exist in that layer"
        for path in paths
        if not path.startswith(layer + "/") or not (ROOT / path).exists()
    ]


def test_every_cell_is_an_existing_path_of_its_layer_or_a_dash() -> None:
    problems = [
        problem
        for domain, cells in grid().items()
        for layer, cell in zip(LAYERS, cells, strict=True)
        for problem in cell_problems(domain, layer, cell)
    ]
    assert problems == []


def test_every_domain_package_and_controller_is_in_the_grid() -> None:
    """A new ``dispatch/<domain>/`` or ``api/controllers/<domain>.py`` must be added to the doc."""
    named = {path for cells in grid().values() for cell in cells for path in re.findall(r"`([^`]+)`", cell)}
    packages = {f"dispatch/{p.name}/" for p in (ROOT / "dispatch").iterdir() if (p / "__init__.py").exists()}
    controllers = {
        f"api/controllers/{p.name}"
        for p in (ROOT / "api" / "controllers").glob("*.py")
        if p.stem not in {"__init__", "console", "system"}
    }
    assert packages - named == set()
    assert controllers - named == set()


def test_a_wrong_cell_is_reported() -> None:
    assert cell_problems("tickets", "dispatch", "`dispatch/no_such_domain/`")
    assert cell_problems("tickets", "dispatch", "`storage/models/tickets.py`")  # wrong layer
    assert cell_problems("tickets", "dispatch", "tickets")  # not a path
    assert cell_problems("tickets", "dispatch", "`dispatch/tickets/`") == []
