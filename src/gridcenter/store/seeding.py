"""Loading the demo district from the data files in `seed/`.

Times in the demo are laid relative to the moment of seeding, so a demo
seeded on any day has cases just filed, about to run out and long overdue,
and a roster that covers today.
"""

import json
import tomllib
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridcenter.domain.authority import CaseRules, case_rules
from gridcenter.domain.calendar import WorkingCalendar
from gridcenter.domain.changes import ChangeKind
from gridcenter.domain.departments import check_department
from gridcenter.domain.errors import Refused
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import Assignee, ClosedLoop, Satisfaction, Step
from gridcenter.domain.people import read_staff
from gridcenter.domain.reports import RepeatPolicy, UnplacedPolicy
from gridcenter.domain.roster import Shift, check_shift, clash
from gridcenter.domain.territory import read_territory
from gridcenter.resources import data_dir
from gridcenter.store import tables
from gridcenter.store.database import Database
from gridcenter.store.demo_work import seed_grid_work
from gridcenter.store.departments import put_departments
from gridcenter.store.fabricate import CaseBatch, CaseSpec, fabricate
from gridcenter.store.generator import generate_cases
from gridcenter.store.mapping import department_assignee, limits_of, staff_assignee
from gridcenter.store.people import domain_units, put_staff, stored_units
from gridcenter.store.territory import load_territory

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_LIMIT_FIELDS = ("file_h", "dispatch_h", "handle_h", "verify_h", "close_h", "warn_share")


def seed_folder() -> Path:
    return data_dir("seed")


def _clock_time(text: str) -> time:
    return time.fromisoformat(text)


@cache
def read_case_rules() -> CaseRules:
    """Who may hold a case at each level, and the reasons for parking: the policy's."""
    data = tomllib.loads((seed_folder() / "policy.toml").read_text("utf-8"))
    return case_rules(data["holders"], data["parking"]["reasons"])


@dataclass(frozen=True)
class ReportPolicies:
    unplaced: UnplacedPolicy
    repeat: RepeatPolicy


def read_report_policies(folder: Path | None = None) -> ReportPolicies:
    """How long a report in no grid may wait to be placed, and what makes a repeat."""
    data = tomllib.loads(((folder or seed_folder()) / "policy.toml").read_text("utf-8"))
    reports = data["reports"]
    return ReportPolicies(
        UnplacedPolicy(float(reports["place_within_h"]), Level.parse(reports["unplaced_level"])),
        RepeatPolicy(float(reports["repeat_within_h"]), float(reports["repeat_metres"])),
    )


def read_calendar(folder: Path | None = None) -> WorkingCalendar:
    data = tomllib.loads(((folder or seed_folder()) / "calendar.toml").read_text("utf-8"))
    return WorkingCalendar(
        timezone=ZoneInfo(data["timezone"]),
        periods=tuple((_clock_time(a), _clock_time(b)) for a, b in data["periods"]),
        weekend=frozenset(_WEEKDAYS.index(day) for day in data["weekend"]),
        holidays=frozenset(date.fromisoformat(d) for d in data["holidays"]),
        workdays=frozenset(date.fromisoformat(d) for d in data["workdays"]),
    )


@dataclass
class SeedReport:
    streets: int
    communities: int
    grids: int
    staff: int
    shifts: int
    cases: int


class _Loader:
    def __init__(self, session: Session, folder: Path, loop: ClosedLoop, now: datetime) -> None:
        self.session = session
        self.folder = folder
        self.loop = loop
        self.now = now
        self.tz = loop.time.calendar.timezone
        self.streets: dict[str, tables.Street] = {}
        self.communities: dict[str, tables.Community] = {}
        self.grids: dict[str, tables.Grid] = {}
        self.categories: dict[str, tables.Category] = {}
        self.departments: dict[str, tables.Department] = {}
        self.staff: dict[str, tables.Staff] = {}
        self.grid_staff: dict[int, set[int]] = {}  # staff id -> the grids they answer for
        self.posts: dict[str, tables.DutyPost] = {}

    def _add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        return row

    def territory(self) -> None:
        """The demo district, through the same check and load as `territory import`."""
        data = json.loads((self.folder / "territory.geojson").read_text("utf-8"))
        loaded = load_territory(self.session, read_territory(data))
        self.streets, self.communities, self.grids = (
            loaded.streets,
            loaded.communities,
            loaded.grids,
        )

    def categories_(self) -> None:
        data = tomllib.loads((self.folder / "categories.toml").read_text("utf-8"))
        defaults = data["defaults"]
        for module in data["module"]:
            parent = self._add(
                tables.Category(code=module["code"], name=module["name"], depth="module")
            )
            for major in module["major"]:
                middle = self._add(
                    tables.Category(
                        code=major["code"], name=major["name"], depth="major", parent_id=parent.id
                    )
                )
                for minor in major["minor"]:
                    limits = {key: minor.get(key, defaults[key]) for key in _LIMIT_FIELDS}
                    category = tables.Category(
                        code=minor["code"],
                        name=minor["name"],
                        depth="minor",
                        parent_id=middle.id,
                        kind=minor["kind"],
                        default_level=Level.parse(minor["level"]).value,
                        urgent=minor.get("urgent", False),
                        **limits,
                    )
                    self.categories[category.code] = self._add(category)

    def departments_(self) -> None:
        """Through the same rules as an office's own department file (`departments import`)."""
        data = tomllib.loads((self.folder / "departments.toml").read_text("utf-8"))
        streets = dict.fromkeys(self.streets, True)
        entries = [
            check_department(
                item["code"],
                item["name"],
                item["level"],
                item.get("street", ""),
                item.get("phone", ""),
                ";".join(item["categories"]),
                streets,
                True,
                self.categories,
            )
            for item in data["department"]
        ]
        put_departments(self.session, entries)
        rows = self.session.scalars(select(tables.Department))
        self.departments = {department.code: department for department in rows}

    def staff_(self) -> None:
        """Through the same rules as an office's own staff file (`staff import`)."""
        stored = stored_units(self.session)
        entries = read_staff(
            (self.folder / "staff.csv").read_text("utf-8"), "staff.csv", domain_units(stored)
        )
        put_staff(self.session, entries, stored)
        people = self.session.scalars(select(tables.Staff))
        self.staff = {person.code: person for person in people}
        for entry in entries:
            person_id = self.staff[entry.code].id
            assert person_id is not None
            self.grid_staff[person_id] = {
                grid for code in entry.units if (grid := stored[code].grid_id) is not None
            }

    def roster(self) -> int:
        data = tomllib.loads((self.folder / "roster.toml").read_text("utf-8"))
        posts = self.posts
        for item in data["post"]:
            street = self.streets.get(item.get("street", ""))
            post = self._add(
                tables.DutyPost(
                    code=item["code"], name=item["name"], street_id=street.id if street else None
                )
            )
            posts[post.code] = post
        today = self.now.astimezone(self.tz).date()
        mine = dict.fromkeys(posts, True)
        active = {code: person.active for code, person in self.staff.items()}
        shifts: list[Shift] = []
        for item in data["shift"]:
            # Through the same rules as an office's own roster (`roster import`).
            starts = datetime.combine(
                today + timedelta(days=item["day"]), _clock_time(item["start"]), self.tz
            )
            ends = starts + timedelta(hours=item["hours"])
            shift = check_shift(
                item["post"], item["staff"], starts.isoformat(), ends.isoformat(), self.tz,
                mine, active,
            )  # fmt: skip
            why = clash(shift, shifts)
            if why:
                raise ValueError(f"roster.toml: {why}")
            shifts.append(replace(shift, where=f"{item['post']} from {item['start']}"))
            self.session.add(
                tables.DutyShift(
                    post_id=posts[shift.post].id,
                    staff_id=self.staff[shift.person].id,
                    starts_at=shift.starts,
                    ends_at=shift.ends,
                )
            )
        return len(data["shift"])

    def alerts(self) -> int:
        data = tomllib.loads((self.folder / "alerts.toml").read_text("utf-8"))
        for number, item in enumerate(data["alert"], start=1):
            where = self._alert_place(item["subject_kind"], item["subject"])
            raised = self.now - timedelta(minutes=item["minutes_ago"])
            acknowledged_by = item.get("acknowledged_by")
            self.session.add(
                tables.Alert(
                    kind=item["kind"],
                    severity=item["severity"],
                    title=item["title"],
                    subject_kind=item["subject_kind"],
                    subject_ref=item["subject"],
                    dedup_key=f"demo:{number}",
                    raised_at=raised,
                    acknowledged_at=raised + timedelta(minutes=5) if acknowledged_by else None,
                    acknowledged_by=acknowledged_by,
                    **where,
                )
            )
        return len(data["alert"])

    def accounts(self) -> int:
        data = tomllib.loads((self.folder / "accounts.toml").read_text("utf-8"))
        for item in data["account"]:
            if "department" in item:  # acting for a department, in the streets it serves
                unit = self.departments[item["department"]]
                street_id, community_id, department_id = unit.street_id, None, unit.id
            else:
                place = item["territory"]
                street = self.streets.get(place)
                community = self.communities.get(place)
                if place != "district" and street is None and community is None:
                    raise ValueError(f"account {item['login']}: no territory {place!r}")
                street_id = street.id if street else community.street_id if community else None
                community_id, department_id = community.id if community else None, None
            self.session.add(
                tables.Account(
                    login=item["login"],
                    display_name=item["name"],
                    role=item["role"],
                    street_id=street_id,
                    community_id=community_id,
                    department_id=department_id,
                    created_at=self.now,
                )
            )
        return len(data["account"])

    def sensors(self) -> int:
        data = tomllib.loads((self.folder / "sensors.toml").read_text("utf-8"))
        for item in data["rule"]:
            self.session.add(
                tables.SensorRule(
                    grid_id=self.grids[item["grid"]].id,
                    metric=item["metric"],
                    threshold=item["threshold"],
                    unit=item.get("unit", ""),
                    severity=item.get("severity", "warning"),
                )
            )
        return len(data["rule"])

    def _alert_place(self, kind: str, code: str) -> dict[str, int | None]:
        if kind == "grid":
            grid = self.grids[code]
            return {
                "grid_id": grid.id,
                "community_id": grid.community_id,
                "street_id": grid.street_id,
            }
        if kind == "post":
            return {"street_id": self.posts[code].street_id}
        return {"street_id": self.streets[code].id}

    def _assignee(self, code: str | None) -> Assignee | None:
        if not code:
            return None
        if code in self.staff:
            return staff_assignee(self.staff[code])
        return department_assignee(self.departments[code])

    def _patroller(self, item: dict[str, Any]) -> int | None:
        """A patrol report names the grid worker who made it."""
        if item["source"] != "patrol":
            return None
        grid = self.grids[item["grid"]].id
        for person in self.staff.values():
            if person.name == item.get("reporter") and grid in self.grid_staff.get(person.id, ()):
                return person.id
        return None

    def cases(self) -> int:
        data = json.loads((self.folder / "cases.json").read_text("utf-8"))
        batch = CaseBatch(self.tz)
        for item in data["cases"]:
            category = self.categories[item["category"]]
            grid = self.grids[item["grid"]]
            spec = CaseSpec(
                title=item["title"],
                description=item.get("description", ""),
                category_id=category.id,
                category_name=category.name,
                limits=limits_of(category),
                grid_id=grid.id,
                community_id=grid.community_id,
                street_id=grid.street_id,
                level=Level.parse(item["level"]),
                default_level=Level(category.default_level),
                step=Step.parse(item["step"]),
                used=item["used"],
                source=item["source"],
                address=item.get("address", ""),
                reporter=item.get("reporter"),
                reporter_phone=item.get("reporter_phone"),
                reporter_id_number=item.get("reporter_id_number"),
                assignee=self._assignee(item.get("assignee")),
                rework=item.get("rework", 0),
                parked=item.get("parked"),
                extension=item.get("extension"),
                satisfaction=(
                    Satisfaction.parse(item["satisfaction"]) if "satisfaction" in item else None
                ),
                reported_by=item.get("reporter") or item["source"],
                reporter_staff_id=self._patroller(item),
            )
            batch.add(spec, fabricate(self.loop, spec, self.now))
        count = len(batch)
        batch.flush(self.session)
        return count


def seed_reference(db: Database, loop: ClosedLoop, now: datetime) -> int:
    """Make an empty store ready for a district of its own: the shipped categories with
    their time limits, and no territory, people or cases. (The working calendar and the
    alert policy are read from the shipped files.) How many categories a case can take."""
    db.create_schema()
    with db.write() as session:
        if session.scalar(select(func.count()).select_from(tables.Category)):
            raise Refused("the store is not empty; `init` makes a new store")
        loader = _Loader(session, seed_folder(), loop, now)
        loader.categories_()
        session.add(tables.ChangeLog(at=now, kind=ChangeKind.SEED, ref="reference"))
    return len(loader.categories)


def seed_demo(
    db: Database, loop: ClosedLoop, now: datetime, folder: Path | None = None
) -> SeedReport:
    """Create the demo district in an empty store, in one transaction."""
    db.create_schema()
    with db.write() as session:
        if session.scalar(select(func.count()).select_from(tables.District)):
            raise ValueError("the store already holds a district; seed a new store instead")
        loader = _Loader(session, folder or seed_folder(), loop, now)
        loader.territory()
        loader.categories_()
        loader.departments_()
        loader.staff_()
        shifts = loader.roster()
        cases = loader.cases()
        loader.alerts()
        loader.sensors()
        loader.accounts()
        session.add(tables.ChangeLog(at=now, kind=ChangeKind.SEED, ref="demo"))
        report = SeedReport(
            streets=len(loader.streets),
            communities=len(loader.communities),
            grids=len(loader.grids),
            staff=len(loader.staff),
            shifts=shifts,
            cases=cases,
        )
    history = tomllib.loads((loader.folder / "history.toml").read_text("utf-8"))
    report.cases += generate_cases(
        db,
        loop,
        count=history["cases"],
        now=now,
        seed=history["seed"],
        open_cases=0,
        days=history["days"],
    )
    with db.write() as session:  # after the cases: the meetings' issues link to them
        seed_grid_work(session, loader.folder, now, loop.time.calendar.timezone)
    return report
