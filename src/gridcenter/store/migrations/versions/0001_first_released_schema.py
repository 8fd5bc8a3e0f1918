"""first released schema

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import gridcenter.store.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("subject_kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("subject_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("from_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("to_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)

    op.create_table(
        "category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("depth", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("default_level", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("file_h", sa.Float(), nullable=False),
        sa.Column("dispatch_h", sa.Float(), nullable=False),
        sa.Column("handle_h", sa.Float(), nullable=False),
        sa.Column("verify_h", sa.Float(), nullable=False),
        sa.Column("close_h", sa.Float(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("warn_share", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["category.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_category_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "chain_head",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("last_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "district",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "intake_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("jurisdiction", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("api_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("cursor", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_run_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "job_run",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column(
            "scheduled_for", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("started_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("host", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "scheduler_lease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("expires_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "intake_problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("payload", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["intake_source.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("intake_problem", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_problem_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "street",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["district.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("street", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_street_district_id"), ["district_id"], unique=False)

    op.create_table(
        "community",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["street_id"],
            ["street.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_street_id"), ["street_id"], unique=False)

    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["street_id"],
            ["street.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kinds", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("min_severity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["street_id"],
            ["street.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["street_id"],
            ["street.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("login"),
    )
    op.create_table(
        "departmentcategory",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("department_id", "category_id"),
    )
    op.create_table(
        "duty_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["street_id"],
            ["street.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("duty_post", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duty_post_street_id"), ["street_id"], unique=False)

    op.create_table(
        "grid",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("dedicated_to", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("south", sa.Float(), nullable=True),
        sa.Column("west", sa.Float(), nullable=True),
        sa.Column("north", sa.Float(), nullable=True),
        sa.Column("east", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["street_id"],
            ["street.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("grid", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grid_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grid_south"), ["south"], unique=False)
        batch_op.create_index(batch_op.f("ix_grid_street_id"), ["street_id"], unique=False)

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("login", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["street_id"],
            ["street.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("login"),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_street_id"), ["street_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("external_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("source_data", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reporter", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reporter_phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reporter_id_number", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("assignee_staff_id", sa.Integer(), nullable=True),
        sa.Column("assignee_department_id", sa.Integer(), nullable=True),
        sa.Column(
            "step_started_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("step_limit_s", sa.Float(), nullable=True),
        sa.Column("deadline", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("warn_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("parked_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("parked_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("parked_remaining_s", sa.Float(), nullable=True),
        sa.Column("paused_s", sa.Float(), nullable=False),
        sa.Column("extension_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("handled_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("rework_count", sa.Integer(), nullable=False),
        sa.Column("satisfaction", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("alert_stage", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["assignee_staff_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.ForeignKeyConstraint(
            ["street_id"],
            ["street.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cases_assignee_department_id"), ["assignee_department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cases_assignee_staff_id"), ["assignee_staff_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cases_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_external_ref"), ["external_ref"], unique=False)
        batch_op.create_index(
            "ix_cases_open_grid",
            ["grid_id", "deadline"],
            unique=False,
            sqlite_where=sa.text("step <> 'closed'"),
            postgresql_where=sa.text("step <> 'closed'"),
        )
        batch_op.create_index(
            "ix_cases_open_queue",
            ["level", "deadline"],
            unique=False,
            sqlite_where=sa.text("step <> 'closed'"),
            postgresql_where=sa.text("step <> 'closed'"),
        )
        batch_op.create_index(
            "ix_cases_open_street",
            ["street_id", "level", "deadline"],
            unique=False,
            sqlite_where=sa.text("step <> 'closed'"),
            postgresql_where=sa.text("step <> 'closed'"),
        )
        batch_op.create_index(
            "ix_cases_open_warn",
            ["warn_at"],
            unique=False,
            sqlite_where=sa.text("step <> 'closed'"),
            postgresql_where=sa.text("step <> 'closed'"),
        )

    op.create_table(
        "duty_shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["duty_post.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("duty_shift", schema=None) as batch_op:
        batch_op.create_index(
            "ix_duty_shift_post_time", ["post_id", "starts_at", "ends_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_duty_shift_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "gridstaff",
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("grid_id", "staff_id"),
    )
    with op.batch_alter_table("gridstaff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gridstaff_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "post_closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["duty_post.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("post_closure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_closure_post_id"), ["post_id"], unique=False)

    op.create_table(
        "sensor_reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("metric", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sensor_reading", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sensor_reading_grid_metric", ["grid_id", "metric", "at"], unique=False
        )

    op.create_table(
        "sensor_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.Column("metric", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sensor_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sensor_rule_grid_id"), ["grid_id"], unique=False)

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("severity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("subject_kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("subject_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("dedup_key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("raised_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "acknowledged_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("acknowledged_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("resolved_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"],
            ["grid.id"],
        ),
        sa.ForeignKeyConstraint(
            ["street_id"],
            ["street.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedup_key"),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_grid_id"), ["grid_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_raised_at"), ["raised_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_street_id"), ["street_id"], unique=False)

    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("from_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("to_value", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_event_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("started_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("limit_s", sa.Float(), nullable=True),
        sa.Column("deadline", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paused_s", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_step_case_id"), ["case_id"], unique=False)

    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("delivered_at", gridcenter.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alert.id"],
        ),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhook.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_delivery_due", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index("ix_webhook_delivery_once", ["webhook_id", "alert_id"], unique=True)


def downgrade() -> None:

    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_delivery_once")
        batch_op.drop_index("ix_webhook_delivery_due")

    op.drop_table("webhook_delivery")
    with op.batch_alter_table("case_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_step_case_id"))

    op.drop_table("case_step")
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_event_case_id"))

    op.drop_table("case_event")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_street_id"))
        batch_op.drop_index(batch_op.f("ix_alert_raised_at"))
        batch_op.drop_index(batch_op.f("ix_alert_grid_id"))
        batch_op.drop_index(batch_op.f("ix_alert_case_id"))

    op.drop_table("alert")
    with op.batch_alter_table("sensor_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sensor_rule_grid_id"))

    op.drop_table("sensor_rule")
    with op.batch_alter_table("sensor_reading", schema=None) as batch_op:
        batch_op.drop_index("ix_sensor_reading_grid_metric")

    op.drop_table("sensor_reading")
    with op.batch_alter_table("post_closure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_closure_post_id"))

    op.drop_table("post_closure")
    with op.batch_alter_table("gridstaff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gridstaff_staff_id"))

    op.drop_table("gridstaff")
    with op.batch_alter_table("duty_shift", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_shift_staff_id"))
        batch_op.drop_index("ix_duty_shift_post_time")

    op.drop_table("duty_shift")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_cases_open_warn",
            sqlite_where=sa.text("step <> 'closed'"),
            postgresql_where=sa.text("step <> 'closed'"),
        )
        batch_op.drop_index(
            "ix_cases_open_street",
            sqlite_where=sa.text("step <> 'closed'"),
            postgresql_where=sa.text("step <> 'closed'"),
        )
        batch_op.drop_index(
            "ix_cases_open_queue",
            sqlite_where=sa.text("step <> 'closed'"),
            postgresql_where=sa.text("step <> 'closed'"),
        )
        batch_op.drop_index(
            "ix_cases_open_grid",
            sqlite_where=sa.text("step <> 'closed'"),
            postgresql_where=sa.text("step <> 'closed'"),
        )
        batch_op.drop_index(batch_op.f("ix_cases_external_ref"))
        batch_op.drop_index(batch_op.f("ix_cases_created_at"))
        batch_op.drop_index(batch_op.f("ix_cases_closed_at"))
        batch_op.drop_index(batch_op.f("ix_cases_category_id"))
        batch_op.drop_index(batch_op.f("ix_cases_assignee_staff_id"))
        batch_op.drop_index(batch_op.f("ix_cases_assignee_department_id"))

    op.drop_table("cases")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_street_id"))
        batch_op.drop_index(batch_op.f("ix_staff_department_id"))

    op.drop_table("staff")
    with op.batch_alter_table("grid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grid_street_id"))
        batch_op.drop_index(batch_op.f("ix_grid_south"))
        batch_op.drop_index(batch_op.f("ix_grid_community_id"))

    op.drop_table("grid")
    with op.batch_alter_table("duty_post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_post_street_id"))

    op.drop_table("duty_post")
    op.drop_table("departmentcategory")
    op.drop_table("account")
    op.drop_table("webhook")
    op.drop_table("department")
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_street_id"))

    op.drop_table("community")
    with op.batch_alter_table("street", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_street_district_id"))

    op.drop_table("street")
    with op.batch_alter_table("intake_problem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_problem_source_id"))

    op.drop_table("intake_problem")
    op.drop_table("scheduler_lease")
    op.drop_table("job_run")
    op.drop_table("intake_source")
    op.drop_table("district")
    op.drop_table("change_log")
    op.drop_table("chain_head")
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_parent_id"))

    op.drop_table("category")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor"))

    op.drop_table("audit_event")
