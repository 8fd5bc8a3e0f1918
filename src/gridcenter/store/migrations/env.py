"""Alembic's entry point: migrations run on the connection gridcenter hands over."""

from alembic import context
from sqlmodel import SQLModel

from gridcenter.store import tables  # noqa: F401 - registers the tables

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
)
with context.begin_transaction():
    context.run_migrations()
