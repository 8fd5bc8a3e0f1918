"""The regular alerts: APScheduler jobs, run by exactly one process at a time."""
