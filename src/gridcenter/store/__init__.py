"""The store: SQLModel tables, engine set-up and loading of seed data."""
