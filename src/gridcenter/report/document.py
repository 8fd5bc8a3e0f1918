"""An assessment laid out as headings, paragraphs and tables, before any format is chosen:
the Markdown, CSV and HTML reports and the console's tables all read this one layout."""

from dataclasses import dataclass
from datetime import datetime

from gridcenter.domain.assessment import PATROL_BAR, Ranked, Tally
from gridcenter.services.assessment import Assessment

NO_RATE = "-"  # nothing to measure: no case was due, rated, verified, ...


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    name: str  # the section a CSV row belongs to
    headers: list[str]
    rows: list[list[str]]


Block = Heading | Paragraph | Table


def percent(value: float | None) -> str:
    return NO_RATE if value is None else f"{value * 100:.1f}%"


def duration(seconds: float | None) -> str:
    """Short and readable: 25 min, 6.5 h, 3.2 d."""
    if seconds is None:
        return NO_RATE
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def multiple(value: float | None) -> str:
    return NO_RATE if value is None else f"{value:.1f}x"


def headline(t: Tally) -> list[list[str]]:
    """The figures of one tally, each with the counts behind it."""
    return [
        ["Reported", str(t.reported), f"{t.invalid} invalid"],
        ["Completion", percent(t.completion_rate), f"{t.reported_closed} of {t.valid} closed"],
        ["Filed", str(t.filed), ""],
        ["On-time closure", percent(t.on_time_rate), f"{t.on_time} of {t.due} due"],
        ["Dispatched", str(t.dispatched), ""],
        ["Closed", str(t.closed), ""],
        ["Overdue at end", str(t.overdue), f"overrun {multiple(t.overrun_multiple)}"],
        ["Rework rate", percent(t.rework_rate), f"{t.rework} of {t.verified} checks"],
        ["Satisfaction", percent(t.satisfaction_rate), f"{t.satisfied} of {t.rated} rated"],
        ["Extensions", str(t.extensions), f"granted; {t.late_requests} asked too late, refused"],
        [
            "Extended closings",
            percent(t.extension_share),
            f"{t.extended} of {t.closed} closed had more time",
        ],
        ["Parked", str(t.parked), f"{percent(t.parked_share)} of step time stopped"],
        ["Reopened", str(t.reopened), ""],
    ]


TERRITORY_HEADERS = [
    "Place",
    "Reported",
    "Closed",
    "Completion",
    "On time",
    "Overdue",
    "Rework",
    "Satisfaction",
]


def territory_row(name: str, t: Tally) -> list[str]:
    return [
        name,
        str(t.reported),
        str(t.closed),
        percent(t.completion_rate),
        percent(t.on_time_rate),
        str(t.overdue),
        percent(t.rework_rate),
        percent(t.satisfaction_rate),
    ]


def ranked_value(value: float, as_percent: bool) -> str:
    return percent(value) if as_percent else f"{value:.1f}".removesuffix(".0")


def _ranked_cell(rows: list[Ranked], as_percent: bool) -> str:
    cells = [f"{row.label} {ranked_value(row.value, as_percent)} ({row.base})" for row in rows]
    return "; ".join(cells) or NO_RATE


def layout(a: Assessment, generated_at: datetime) -> list[Block]:
    whole = a.whole
    blocks: list[Block] = [
        Heading(f"Assessment: {a.place.name}, {a.period.name}", 1),
        Paragraph(
            f"Period {a.period.first.isoformat()} to {a.period.last.isoformat()}; "
            f"figures from the store at {generated_at:%Y-%m-%d %H:%M}. "
            "A dash means there was nothing to measure (no case due, rated or checked)."
        ),
        Heading("Headline figures"),
        Table("headline", ["Figure", "Value", "Behind it"], headline(whole)),
        Table(
            "sources",
            ["Source", "Cases reported"],
            [[source, str(n)] for source, n in sorted(whole.by_source.items())],
        ),
        Heading("Time per step of the closed loop"),
        Table(
            "steps",
            ["Step", "Finished", "Average", "90th percentile"],
            [
                [s.step.replace("_", " "), str(s.count), duration(s.mean_s), duration(s.p90_s)]
                for s in a.steps
            ],
        ),
    ]
    if a.below:
        blocks += [
            Heading(f"By {a.below[0].place.kind}"),
            Table(
                "territory",
                TERRITORY_HEADERS,
                [territory_row(b.place.name, b.tally) for b in a.below],
            ),
        ]
    blocks.append(Heading("Ranked: best and worst"))
    blocks.append(
        Paragraph("Each entry: name, figure, and in brackets the cases behind it (at least 3).")
    )
    blocks.append(
        Table(
            "ranked",
            ["Breakdown", "Figure", "Best", "Worst"],
            [
                [
                    table.breakdown,
                    table.title,
                    _ranked_cell(table.best, table.percent),
                    _ranked_cell(table.worst, table.percent),
                ]
                for table in a.tables
            ],
        )
    )
    if a.fieldwork:
        blocks += [
            Heading("Fieldwork: patrols and household visits"),
            Paragraph(
                "Patrol coverage: grids patrolled at least once in the period, over the grids; "
                "hours of the patrols that ended in it. Visit rate: households visited at "
                "least once, over the households on record."
            ),
            Table(
                "fieldwork",
                ["Place", "Grids", "Patrolled", "Coverage", "Patrol hours", "Visit rate"],
                [
                    [
                        f.place,
                        str(f.grids),
                        str(f.grids_patrolled),
                        percent(f.patrol_coverage),
                        f"{f.patrol_hours:g}",
                        f"{percent(f.visit_rate)} ({f.households_visited} of {f.households})",
                    ]
                    for f in a.fieldwork
                ],
            ),
        ]
    workers = sorted(a.workers, key=lambda w: (w.per_month, w.name))
    blocks += [
        Heading("Grid workers: patrol reports"),
        Paragraph(
            f"{a.workers_over_bar} of {len(a.workers)} grid workers filed more than "
            f"{PATROL_BAR} patrol reports a month (the published bar). Fewest first."
        ),
        Table(
            "workers",
            ["Grid worker", "Reports", "Valid", "Invalid", "Per month", "Over the bar"],
            [
                [
                    w.name,
                    str(w.reports),
                    str(w.valid),
                    str(w.invalid),
                    f"{w.per_month:.1f}",
                    "yes" if w.meets_bar else "no",
                ]
                for w in workers
            ],
        ),
        Heading("Dispatchers: right owner the first time"),
        Table(
            "dispatchers",
            ["Dispatcher", "Dispatches", "Right first time", "Rate", "Returned", "Off-list"],
            [
                [
                    d.name,
                    str(d.dispatches),
                    str(d.right_first_time),
                    percent(d.right_rate),
                    str(d.returned),
                    str(d.off_list),
                ]
                for d in a.dispatchers
            ],
        ),
        Heading("Departments: handling due, on time, returned"),
        Table(
            "departments",
            ["Department", "Due", "On time", "Rate", "Returned"],
            [
                [d.name, str(d.due), str(d.on_time), percent(d.on_time_rate), str(d.returned)]
                for d in sorted(a.departments, key=lambda d: (d.on_time_rate or 0, d.name))
            ],
        ),
        *_tasks(a),
        *_unplaced_and_repeats(a),
    ]
    return blocks


def _tasks(a: Assessment) -> list[Block]:
    """Work departments pushed onto grids, and the share of grid staff time it took."""
    load = a.task_load
    return [
        Heading("Tasks pushed onto grids"),
        Paragraph(
            f"Share of grid staff time on tasks that are not residents' cases: "
            f"{percent(load.share)} (task hours / (task hours + patrol hours): "
            f"{load.task_hours:g} h on tasks done in the period, {load.patrol_hours:g} h "
            "of patrols that ended in it)."
        ),
        Table(
            "tasks",
            ["Department", "Tasks pushed", "Done", "Hours"],
            [[d.name, str(d.pushed), str(d.done), f"{d.hours:g}"] for d in a.tasks],
        ),
    ]


def _unplaced_and_repeats(a: Assessment) -> list[Block]:
    """Reports no grid covered, where they keep coming from, and the repeats."""
    if a.place.kind == "district":
        unplaced = (
            f"{a.unplaced_total} reports came in where no grid covered them (those still "
            "unplaced and those placed by hand since). The places most came from, by "
            "address, or by point to about 100 m:"
        )
    else:
        unplaced = "Reports no grid covered are the district's and are counted in its report."
    blocks: list[Block] = [Heading("Reports no grid covered, and repeats"), Paragraph(unplaced)]
    if a.place.kind == "district":
        blocks.append(
            Table(
                "unplaced",
                ["Where it was said to be", "Reports"],
                [[p.where, str(p.reports)] for p in a.unplaced],
            )
        )
    blocks.append(
        Paragraph(
            f"{a.repeats.flagged} reports were flagged as possible repeats of an open case "
            f"when they came in; {a.repeats.merged} repeats were merged into the case they "
            "repeat."
        )
    )
    return blocks
