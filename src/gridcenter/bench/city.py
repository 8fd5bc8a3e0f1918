"""A synthetic city for scale work: thousands of grids, their staff, a month of rosters."""

import random
from datetime import UTC, datetime, time, timedelta

import shapely
from sqlalchemy import func, insert, select

from gridcenter.domain.loop import ClosedLoop
from gridcenter.store import tables
from gridcenter.store.database import Database
from gridcenter.store.seeding import _Loader as SeedLoader
from gridcenter.store.seeding import seed_folder
from gridcenter.store.territory import shape_bytes

GRIDS_PER_COMMUNITY = 10
COMMUNITIES_PER_STREET = 40


def city_name(grids: int, cases: int, open_cases: int) -> str:
    return f"Bench City {grids} grids {cases} cases {open_cases} open"


def build_city(
    db: Database,
    loop: ClosedLoop,
    *,
    grids: int,
    staff: int,
    now: datetime,
    name: str,
    seed: int = 7,
) -> None:
    """Territory, categories, departments, staff, posts and a month of shifts, in bulk."""
    rng = random.Random(seed)
    db.create_schema()
    with db.write() as session:
        loader = SeedLoader(session, seed_folder(), loop, now)
        loader.categories_()
        district = tables.District(code="990000", name=name)
        session.add(district)
        session.flush()
        connection = session.connection()
        per_street = GRIDS_PER_COMMUNITY * COMMUNITIES_PER_STREET
        street_count = -(-grids // per_street)
        connection.execute(
            insert(tables.Street.__table__),
            [
                {
                    "id": s + 1,
                    "code": f"990{s + 1:03d}",
                    "name": f"Street {s + 1}",
                    "district_id": district.id,
                }
                for s in range(street_count)
            ],
        )
        communities, grid_rows = [], []
        for index in range(-(-grids // GRIDS_PER_COMMUNITY)):
            street = index // COMMUNITIES_PER_STREET + 1
            communities.append(
                {
                    "id": index + 1,
                    "code": f"990{street:03d}{index + 1:05d}",
                    "name": f"Community {index + 1}",
                    "street_id": street,
                }
            )
        for index in range(grids):
            community = communities[index // GRIDS_PER_COMMUNITY]
            row, col = divmod(index, 100)
            south, north = 30 + row * 0.004, 30 + (row + 1) * 0.004
            west, east = 110 + col * 0.004, 110 + (col + 1) * 0.004
            grid_rows.append(
                {
                    "id": index + 1,
                    "code": f"G{index + 1:06d}",
                    "name": f"Grid {index + 1}",
                    "community_id": community["id"],
                    "street_id": community["street_id"],
                    "kind": "conventional" if index % 5 else "dedicated",
                    "households": rng.randint(200, 600),
                    "population": rng.randint(500, 1500),
                    "south": south,
                    "west": west,
                    "north": north,
                    "east": east,
                    "shape": shape_bytes(shapely.box(west, south, east, north)),
                }
            )
        connection.execute(insert(tables.Community.__table__), communities)
        connection.execute(insert(tables.Grid.__table__), grid_rows)
        departments = []
        for street in range(1, street_count + 1):
            for kind in ("LAW", "SAFE"):
                departments.append(
                    {
                        "code": f"S{street:03d}-{kind}",
                        "name": f"Street {street} {kind.lower()} office",
                        "level": "street",
                        "street_id": street,
                    }
                )
        for code, level in (
            ("D-URB", "district"),
            ("D-HOU", "district"),
            ("D-MKT", "district"),
            ("D-PSB", "district"),
            ("C-WATER", "city"),
            ("C-POWER", "city"),
        ):
            departments.append(
                {"code": code, "name": f"{code} department", "level": level, "street_id": None}
            )
        connection.execute(insert(tables.Department.__table__), departments)
        # Every department answers for every category, at its own tier's level: the
        # generated cases find a holder the level allows, as in a district's own lists.
        minors = session.scalars(
            select(tables.Category.id).where(tables.Category.depth == "minor")
        ).all()
        tier = {"street": "B", "district": "C", "city": "D"}
        held = session.execute(select(tables.Department.id, tables.Department.level)).all()
        connection.execute(
            insert(tables.DepartmentCategory.__table__),
            [
                {"department_id": department, "category_id": category, "levels": tier[level]}
                for department, level in held
                for category in minors
            ],
        )
        workers = [
            {
                "id": n + 1,
                "code": f"W{n + 1:05d}",
                "name": f"Worker {n + 1}",
                "role": "grid_worker",
                "phone": f"139{rng.randrange(10**8):08d}",
                "street_id": grid_rows[(n * grids) // staff]["street_id"],
                "active": True,
            }
            for n in range(staff)
        ]
        connection.execute(insert(tables.Staff.__table__), workers)
        connection.execute(
            insert(tables.GridStaff.__table__),
            [
                # A grid's team: its worker and the next grid's, so a level-A case can be
                # reassigned within the team (the bench's action).
                {"grid_id": g + 1, "staff_id": (first + k) % staff + 1}
                for g in range(grids)
                if g % 97  # a few grids stay unstaffed
                for first in [(g * staff) // grids]
                for k in range(2)
            ],
        )
        posts = [{"id": 1, "code": "CMD-DESK", "name": "Command desk", "street_id": None}]
        posts += [
            {"id": s + 1, "code": f"DUTY-{s:03d}", "name": f"Street {s} duty", "street_id": s}
            for s in range(1, street_count + 1)
        ]
        connection.execute(insert(tables.DutyPost.__table__), posts)
        tz = loop.time.calendar.timezone
        first = datetime.combine((now - timedelta(days=1)).astimezone(tz).date(), time(8), tz)
        shifts = [
            {
                "post_id": post["id"],
                "staff_id": rng.randint(1, staff),
                "starts_at": first + timedelta(hours=12 * k),
                "ends_at": first + timedelta(hours=12 * (k + 1)),
            }
            for post in posts
            for k in range(62)
        ]
        connection.execute(insert(tables.DutyShift.__table__), shifts)
        session.add(
            tables.Account(login="bench", display_name="Bench", role="admin", created_at=now)
        )


def holds_city(db: Database, name: str) -> bool:
    try:
        with db.read() as session:
            return session.scalar(select(tables.District.name)) == name
    except Exception:
        return False


def city_now(db: Database) -> datetime:
    """The moment the city was built: every run on a reused city measures at that moment,
    so that its figures do not drift as cases age past their deadlines in real time."""
    with db.read() as session:
        built = session.scalar(select(func.max(tables.Case.created_at)))
    return built if built is not None else datetime.now(UTC)
