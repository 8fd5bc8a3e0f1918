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
    "jobs": {"console", "cli"},
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


# The console reads through queries/ and acts through services/ (which name the store's
# errors it catches): it imports nothing of the store and builds no SQL of its own (a
# session's type, handed on to a query, is all it names of SQLAlchemy).
CONSOLE_STORE_ALLOWED = {("sqlalchemy.orm", "Session")}


def names_imported(path: Path) -> set[tuple[str, str]]:
    """(module, name) for each `from module import name`, and (module, "") for `import x`."""
    names: set[tuple[str, str]] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update((alias.name, "") for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update((node.module, alias.name) for alias in node.names)
    return names


def reaches_the_store(module: str) -> bool:
    """The store's tables and engine, or SQL built by hand."""
    return module.startswith("gridcenter.store") or module.split(".")[0] in {
        "sqlalchemy",
        "sqlmodel",
    }


def test_the_console_reads_through_queries_and_acts_through_services() -> None:
    bad = []
    for path in sorted((PACKAGE / "console").rglob("*.py")):
        for module, name in names_imported(path):
            if reaches_the_store(module) and (module, name) not in CONSOLE_STORE_ALLOWED:
                bad.append(f"{path.relative_to(PACKAGE)} imports {name or module} from {module}")
    assert not bad, f"console/ reaches past queries and services: {bad}"


# A job schedules a use case and fences it; the use case is a service. Only the fence
# itself (the lease, and the runner that records each run under it) touches tables.
JOBS_ON_THE_STORE = {"lease.py", "runner.py"}


def test_a_job_body_is_a_service() -> None:
    on_the_store = {
        path.name
        for path in sorted((PACKAGE / "jobs").rglob("*.py"))
        if any(reaches_the_store(module) for module, _ in names_imported(path))
    }
    assert on_the_store == JOBS_ON_THE_STORE, "a job's body goes in services/"
