"""The audit chain against someone with write access to the store file."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from gridcenter.config import os_login
from gridcenter.jobs.policy import read_policy
from gridcenter.jobs.registry import find_job
from gridcenter.jobs.runner import run_job
from gridcenter.services.context import Context
from gridcenter.services.webhooks import add_webhook
from gridcenter.store import tables
from gridcenter.store.database import Database
from gridcenter.store.history import (
    CHAINED,
    ChainMark,
    chain_marks,
    check_anchor,
    read_anchor_line,
    seal,
    verify,
    verify_cases,
)
from tests.conftest import NOW
from tests.functional.test_cli import gridcenter

FIELDS = CHAINED["case_event"][1]


def attacker(path: Path) -> sqlite3.Connection:
    """Straight at the file: no triggers in the way."""
    connection = sqlite3.connect(path, isolation_level=None)
    for verb in ("update", "delete"):
        connection.execute(f"DROP TRIGGER IF EXISTS case_event_no_{verb}")
    return connection


def reseal_from(db: Database, connection: sqlite3.Connection, first_id: int) -> None:
    """Seal every row from `first_id` on again with gridcenter's own rule, and move the head."""
    connection.execute("BEGIN")  # one transaction, not a commit per row
    with db.read() as session:
        previous = session.scalar(
            select(tables.CaseEvent.hash)
            .where(tables.CaseEvent.id < first_id)
            .order_by(tables.CaseEvent.id.desc())
        )
        rows = session.scalars(
            select(tables.CaseEvent).where(tables.CaseEvent.id >= first_id).order_by("id")
        ).all()
        for row in rows:
            new = seal(previous or "", FIELDS, row.model_dump(), row.seal)
            connection.execute(
                "UPDATE case_event SET prev_hash = ?, hash = ? WHERE id = ?",
                (previous, new, row.id),
            )
            previous = new
    connection.execute("UPDATE chain_head SET last_hash = ? WHERE name = 'case_event'", (previous,))
    connection.execute("COMMIT")


@pytest.fixture
def file_db(demo_path: Path) -> Iterator[Database]:
    """The demo store in a SQLite file that an attacker can write."""
    db = Database(f"sqlite:///{demo_path}")
    yield db
    db.dispose()


def marks(db: Database) -> dict[str, ChainMark]:
    with db.read() as session:
        return chain_marks(session)


def problems(db: Database, anchor: dict[str, ChainMark] | None = None) -> list[str]:
    with db.read() as session:
        found = verify(session)[1] + verify_cases(session)[1]
        if anchor is not None:
            found += check_anchor(session, "T", anchor)
    return [item.problem for item in found]


def test_the_demo_store_is_intact_and_every_case_matches_its_history(demo_db: Database) -> None:
    with demo_db.read() as session:
        rows, broken = verify(session)
        cases, differing = verify_cases(session)
    assert rows > 1000 and cases > 1000
    assert broken == [] and differing == []


def test_a_case_edited_behind_gridcenters_back_differs_from_its_history(
    demo_db: Database,
) -> None:
    with demo_db.write() as session:
        session.execute(
            update(tables.Case).where(tables.Case.id == 5).values(level="D", step="closed")
        )
    found = problems(demo_db)
    assert len(found) == 1
    assert "level D, but its history gives" in found[0] and "step closed" in found[0]


def test_a_rewrite_sealed_again_passes_the_chain_but_not_the_anchor(
    demo_path: Path, file_db: Database
) -> None:
    anchor = marks(file_db)
    connection = attacker(demo_path)
    connection.execute("UPDATE case_event SET reason = 'nothing happened' WHERE id = 10")
    reseal_from(file_db, connection, 10)
    connection.close()
    assert problems(file_db) == []  # the chain alone cannot tell: it was sealed again
    assert problems(file_db, anchor) == [
        "rows up to the anchor of T were rewritten and sealed again"
    ]


def test_a_cut_tail_and_a_moved_head_are_found_by_the_anchor(
    demo_path: Path, file_db: Database
) -> None:
    anchor = marks(file_db)
    last = anchor["case_event"].last_id
    connection = attacker(demo_path)
    connection.execute("PRAGMA foreign_keys = OFF")
    connection.execute("DELETE FROM case_event WHERE id > ?", (last - 3,))
    connection.execute(
        "UPDATE chain_head SET last_hash = (SELECT hash FROM case_event ORDER BY id DESC LIMIT 1)"
        " WHERE name = 'case_event'"
    )
    connection.close()
    found = problems(file_db, anchor)
    assert f"row {last}, the newest at the anchor of T, is gone" in found
    assert any("events" in problem for problem in found)  # and the cases no longer replay


def test_null_and_a_nul_character_are_told_apart(demo_path: Path, file_db: Database) -> None:
    connection = attacker(demo_path)
    (row_id,) = connection.execute(
        "SELECT max(id) FROM case_event WHERE reason IS NULL AND seal = 1"
    ).fetchone()
    assert row_id is None  # the demo store is sealed the new way throughout
    (row_id,) = connection.execute("SELECT max(id) FROM case_event WHERE reason IS NULL").fetchone()
    connection.execute("UPDATE case_event SET reason = char(0) WHERE id = ?", (row_id,))
    connection.close()
    assert problems(file_db) == ["its content was changed"]


def test_the_cli_anchors_and_verifies_against_the_anchor_file(
    demo_path: Path, file_db: Database, tmp_path: Path
) -> None:
    store = f"sqlite:///{demo_path}"
    anchors = tmp_path / "anchors.jsonl"
    made = gridcenter(store, "--operator", "admin", "audit", "anchor", "--to", str(anchors))
    assert made.returncode == 0, made.stderr
    clean = gridcenter(store, "--operator", "admin", "audit", "verify", "--anchor", str(anchors))
    assert clean.returncode == 0 and "against 1 anchors" in clean.stdout

    connection = attacker(demo_path)
    connection.execute("UPDATE case_event SET reason = 'nothing happened' WHERE id = 10")
    reseal_from(file_db, connection, 10)
    connection.close()
    found = gridcenter(store, "--operator", "admin", "audit", "verify", "--anchor", str(anchors))
    assert found.returncode == 1
    assert "rewritten and sealed again" in found.stderr
    assert "history tampered with" in found.stderr

    refused = gridcenter(store, "--operator", "chen.jie", "audit", "anchor")
    assert refused.returncode == 1 and "may not administer" in refused.stderr
    anchors.write_text("not json\n")
    bad = gridcenter(store, "--operator", "admin", "audit", "verify", "--anchor", str(anchors))
    assert bad.returncode == 1 and "line 1: not an anchor line" in bad.stderr


def test_a_job_run_by_hand_and_a_new_intake_source_are_audited(
    demo_url: str, demo_db: Database
) -> None:
    ran = gridcenter(demo_url, "--operator", "admin", "jobs", "run", "roster-check")
    assert ran.returncode == 0, ran.stderr
    server = "http://127.0.0.1:9/open311/v2?api_key=secret-token"  # nothing listens on 9
    gridcenter(
        demo_url, "--operator", "admin", "ingest", "open311", "--url", server, "--allow-private"
    )
    with demo_db.read() as session:
        events = {
            row.action: row
            for row in session.scalars(
                select(tables.AuditEvent).where(
                    tables.AuditEvent.action.in_(["job_run", "intake_source_add"])
                )
            )
        }
    assert events["job_run"].subject_ref == "roster-check"
    assert events["job_run"].actor == f"{os_login()} acting as admin"
    assert events["job_run"].to_value.startswith("ok as of ")
    source = events["intake_source_add"]
    assert source.subject_ref.endswith("http://127.0.0.1:9/open311/v2")
    assert "secret-token" not in source.subject_ref


def test_the_hourly_anchor_goes_only_to_webhooks_that_ask_for_it(
    context: Context, tmp_path: Path
) -> None:
    every = add_webhook(context, "http://127.0.0.1:9/all", allow_private=True)
    anchors = add_webhook(
        context, "http://127.0.0.1:9/anchors", kinds="audit_anchor", allow_private=True
    )
    policy = read_policy()
    outcome = run_job(context.as_job(), find_job(policy, "audit-anchor"), NOW, policy, "test")
    assert outcome.ok and outcome.summary.startswith("anchored ")
    with context.db.read() as session:
        alert = session.scalar(select(tables.Alert).where(tables.Alert.kind == "audit_anchor"))
        assert alert is not None and alert.resolved_at is not None  # on no wall
        sent_to = set(
            session.scalars(
                select(tables.WebhookDelivery.webhook_id).where(
                    tables.WebhookDelivery.alert_id == alert.id
                )
            )
        )
        body = alert.body
    assert sent_to == {anchors.id} and every.id not in sent_to
    kept = tmp_path / "anchors.jsonl"
    kept.write_text(body + "\n")
    with context.db.read() as session:
        at, marks = read_anchor_line(kept.read_text())
        assert check_anchor(session, at, marks) == []
