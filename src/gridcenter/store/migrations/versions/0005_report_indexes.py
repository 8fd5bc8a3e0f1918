"""city scale: indexes that answer the monthly report from the index alone

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# name: (table, columns before, columns after). Each index grows the columns the report's
# counts read, so a month of steps and events is read from the index, not row by row.
WIDENED = {
    "ix_case_step_ended": (
        "case_step",
        ["ended_at"],
        ["ended_at", "deadline", "started_at", "case_id", "step", "paused_s"],
    ),
    "ix_case_event_action_at": (
        "case_event",
        ["action", "at"],
        ["action", "at", "case_id", "actor", "to_value", "from_value"],
    ),
}
# New: a department's handling steps by deadline; a case's events by action (whether a
# dispatch was followed by a reassign), which also serves every lookup by case.
ADDED = {
    "ix_case_step_due": ("case_step", ["step", "deadline", "ended_at", "case_id"]),
    "ix_case_event_case_action": ("case_event", ["case_id", "action", "at"]),
}
REPLACED = {"ix_case_event_case_id": ("case_event", ["case_id"])}


def upgrade() -> None:
    for name, (table, _, after) in WIDENED.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, after)
    for name, (table, columns) in ADDED.items():
        op.create_index(name, table, columns)
    for name, (table, _) in REPLACED.items():
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, (table, columns) in REPLACED.items():
        op.create_index(name, table, columns)
    for name, (table, _) in ADDED.items():
        op.drop_index(name, table_name=table)
    for name, (table, before, _) in WIDENED.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before)
