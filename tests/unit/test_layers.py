"""The shape of the code: domain rules import neither the store nor the console."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "gridcenter"

# layer -> packages of gridcenter it must never import
FORBIDDEN = {
    "domain": {"store", "queries", "services", "console", "cli", "jobs", "integrations"},
    "store": {"queries", "services", "console", "cli"},
    "queries": {"services", "console", "cli"},
    "services": {"console", "cli"},
    "console": {"cli"},
    "report": {"store", "console", "cli", "jobs"},
}
THIRD_PARTY_FORBIDDEN = {"domain": {"sqlalchemy", "sqlmodel", "textual", "httpx", "apscheduler"}}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_sits_below_it(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no files in {layer}/"
    bad = []
    for path in files:
        for name in imports_of(path):
            parts = name.split(".")
            if parts[0] == "gridcenter" and len(parts) > 1 and parts[1] in FORBIDDEN[layer]:
                bad.append(f"{path.name} imports {name}")
            if parts[0] in THIRD_PARTY_FORBIDDEN.get(layer, set()):
                bad.append(f"{path.name} imports {name}")
    assert not bad, f"{layer}/ reaches the wrong way: {bad}"


# The console reads through queries/ and acts through services/: of the store it may know
# only the database handle (its sessions, busy errors) and the change listener, and it
# builds no SQL of its own.
CONSOLE_STORE_ALLOWED = {"gridcenter.store.database", "gridcenter.store.notify"}
CONSOLE_SQL_ALLOWED = {"sqlalchemy.orm"}  # a session's type, handed on to a query


def test_the_console_reads_through_queries_and_acts_through_services() -> None:
    bad = []
    for path in sorted((PACKAGE / "console").rglob("*.py")):
        for name in imports_of(path):
            store = name.startswith("gridcenter.store") and name not in CONSOLE_STORE_ALLOWED
            sql = name.split(".")[0] in {"sqlalchemy", "sqlmodel"}
            if store or (sql and name not in CONSOLE_SQL_ALLOWED):
                bad.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not bad, f"console/ reaches past queries and services: {bad}"
