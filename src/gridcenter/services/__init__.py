"""Use cases: one function per action, one transaction each, for every front end."""
