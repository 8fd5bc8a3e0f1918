"""A SQLite store's file: read and written by its owner and the gridcenter group only.

Whoever can read the file can read every case and account, and whoever can write it can
change anything: gridcenter's roles are enforced by gridcenter, not by the file. SQLite
gives the write-ahead log beside the store the store's own permissions."""

import grp
import logging
import os
from pathlib import Path

OFFICE_GROUP = "gridcenter"  # the group sshd_gridcenter.conf keeps inside the console
STORE_MODE = 0o660

log = logging.getLogger("gridcenter.store")


def office_group() -> int | None:
    try:
        return grp.getgrnam(OFFICE_GROUP).gr_gid
    except KeyError:
        return None


def restrict_store_file(path: Path) -> None:
    """Give a new store its permissions: 0660, and the gridcenter group where there is one."""
    os.chmod(path, STORE_MODE)
    group = office_group()
    if group is None:
        return
    try:
        os.chown(path, -1, group)
    except PermissionError:  # not a member of the group: the owner alone keeps it
        log.warning("could not give %s to the group %s", path, OFFICE_GROUP)
