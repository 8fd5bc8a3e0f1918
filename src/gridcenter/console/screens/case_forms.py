"""What each move on a case asks for before it is made, and the service that makes it: a
reason for most, a small form for filing, the on-site check, closing, extensions, placing
a case no grid covers and merging a repeat."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from gridcenter.console.screens.form import Answers, Field, FormScreen
from gridcenter.domain.calendar import local_moment
from gridcenter.domain.errors import Refused
from gridcenter.domain.levels import Level
from gridcenter.domain.loop import Satisfaction, Step, cannot
from gridcenter.domain.reports import Channel, Point
from gridcenter.queries.cases import UNPLACED, CaseRow
from gridcenter.queries.categories import CategoryLine
from gridcenter.queries.places import GridLine
from gridcenter.services import cases as case_service
from gridcenter.services.cases import Done
from gridcenter.services.context import Context

Send = Callable[[Context, str, Answers, int], Done]
ReasonedMove = Callable[[Context, str, str, int], Done]


def cannot_move(move: str, row: CaseRow) -> str | None:
    """Why this move cannot apply to the case on this row; None when it can. A case in no
    grid is placed before it is filed, and only such a case is placed."""
    placed = row.grid != UNPLACED
    if move == "place" and placed and row.step != Step.CLOSED:
        return f"case {row.code} is already in grid {row.grid}; transfer it to move it"
    if move == "file" and not placed:
        return f"case {row.code} is in no grid; place it first"
    return cannot(move, row.code, Step(row.step), Level(row.level), row.parked)


def _grid_choices(grids: Sequence[GridLine]) -> list[tuple[str, str]]:
    return [(grid.code, f"{grid.name}  {grid.community}  {grid.code}") for grid in grids]


@dataclass(frozen=True)
class ReasonedAsk:
    """A move that asks for one line of text: the service, the dialog's title, what it
    asks for, and whether it must be given."""

    service: ReasonedMove
    title: str
    prompt: str
    required: bool


REASONED_MOVES: dict[str, ReasonedAsk] = {
    "escalate": ReasonedAsk(
        lambda ctx, code, why, version: case_service.escalate(
            ctx, code, reason=why, expected_version=version
        ),
        "Escalate case one level",
        "Reason",
        True,
    ),
    "deescalate": ReasonedAsk(
        lambda ctx, code, why, version: case_service.deescalate(
            ctx, code, reason=why, expected_version=version
        ),
        "De-escalate case one level",
        "Reason",
        True,
    ),
    "feed_back": ReasonedAsk(
        lambda ctx, code, why, version: case_service.feed_back(
            ctx, code, result=why, expected_version=version
        ),
        "Record the feedback",
        "What was done",
        True,
    ),
    "dismiss": ReasonedAsk(
        lambda ctx, code, why, version: case_service.dismiss(
            ctx, code, reason=why, expected_version=version
        ),
        "Dismiss the report (not a case)",
        "Why it is not a case",
        True,
    ),
    "reopen": ReasonedAsk(
        lambda ctx, code, why, version: case_service.reopen(
            ctx, code, reason=why, expected_version=version
        ),
        "Reopen the case",
        "Reason",
        True,
    ),
    "park": ReasonedAsk(
        lambda ctx, code, why, version: case_service.park(
            ctx, code, reason=why, expected_version=version
        ),
        "Park the case: its clock stops",
        "Awaiting a court ruling, season-bound work or waiting on a third party (: a note)",
        True,
    ),
    "unpark": ReasonedAsk(
        lambda ctx, code, why, version: case_service.unpark(
            ctx, code, reason=why or None, expected_version=version
        ),
        "Unpark the case: its clock runs on",
        "Note",
        False,
    ),
}


@dataclass(frozen=True)
class CaseForm:
    screen: FormScreen
    send: Send


def _limits(line: CategoryLine) -> str:
    hours = (
        f"file {line.file_h:g} · dispatch {line.dispatch_h:g} · handle {line.handle_h:g} · "
        f"verify {line.verify_h:g} · close {line.close_h:g}"
    )
    clock = "calendar hours, urgent" if line.urgent else "working hours"
    return f"level {line.level} by default; time limits ({clock}): {hours}"


def _file(row: CaseRow, subject: str, categories: Sequence[CategoryLine]) -> CaseForm:
    by_code = {line.code: line for line in categories}
    current = next((line.code for line in categories if line.name == row.category), "")
    fields = [
        Field(
            "category",
            "Category",
            [(line.code, f"{line.code}  {line.name}") for line in categories],
            required=True,
            initial=current,
            explain=lambda code: _limits(by_code[code]) if code in by_code else "",
        ),
        Field(
            "level",
            "Level",
            [(level.value, f"{level} {level.disposer}") for level in Level],
            initial="",
        ),
    ]

    def send(ctx: Context, code: str, answers: Answers, version: int) -> Done:
        return case_service.file_case(
            ctx,
            code,
            category=answers["category"],
            level=answers["level"] or None,
            expected_version=version,
        )

    return CaseForm(FormScreen("File and classify", subject, fields), send)


def _verify(subject: str) -> CaseForm:
    fields = [
        Field(
            "outcome",
            "Outcome of the check",
            [("passed", "passed: on to closing"), ("failed", "failed: back to the handler")],
            required=True,
        ),
        Field("note", "Note (required when it failed)"),
    ]

    def send(ctx: Context, code: str, answers: Answers, version: int) -> Done:
        return case_service.verify(
            ctx,
            code,
            passed=answers["outcome"] == "passed",
            note=answers["note"] or None,
            expected_version=version,
        )

    return CaseForm(FormScreen("Check on site", subject, fields), send)


def _close(subject: str) -> CaseForm:
    fields = [
        Field(
            "satisfaction",
            "Resident's satisfaction",
            [(choice.value, choice.value.replace("_", " ")) for choice in Satisfaction],
            required=True,
        ),
        Field("note", "Note"),
    ]

    def send(ctx: Context, code: str, answers: Answers, version: int) -> Done:
        return case_service.close(
            ctx,
            code,
            satisfaction=answers["satisfaction"],
            note=answers["note"] or None,
            expected_version=version,
        )

    return CaseForm(FormScreen("Close the case", subject, fields), send)


def _extension(subject: str, timezone: ZoneInfo) -> CaseForm:
    fields = [
        Field(
            "what",
            "Extension",
            [
                ("request", "request one (with the reason)"),
                ("grant", "grant the one asked for (with the new deadline)"),
                ("refuse", "refuse the one asked for (with the reason)"),
            ],
            required=True,
        ),
        Field("until", "New deadline, to grant: 2026-11-28T18:00 (district time)"),
        Field("reason", "Reason"),
    ]

    def send(ctx: Context, code: str, answers: Answers, version: int) -> Done:
        reason = answers["reason"] or None
        if answers["what"] == "request":
            return case_service.request_extension(
                ctx, code, reason=reason, expected_version=version
            )
        if answers["what"] == "refuse":
            return case_service.refuse_extension(ctx, code, reason=reason, expected_version=version)
        try:
            until = local_moment(answers["until"], timezone)
        except ValueError:
            raise Refused(
                f"{answers['until']!r} is not a deadline such as 2026-11-28T18:00"
            ) from None
        return case_service.grant_extension(
            ctx, code, until=until, reason=reason, expected_version=version
        )

    return CaseForm(FormScreen("Extension of the step's deadline", subject, fields), send)


def _place(subject: str, grids: Sequence[GridLine]) -> CaseForm:
    fields = [
        Field("grid", "Grid", _grid_choices(grids), required=True, filtered=True),
        Field("reason", "Reason (how the place was found)", required=True),
    ]

    def send(ctx: Context, code: str, answers: Answers, version: int) -> Done:
        return case_service.place_case(
            ctx, code, grid=answers["grid"], reason=answers["reason"], expected_version=version
        )

    return CaseForm(FormScreen("Place the case in a grid", subject, fields), send)


def _merge(subject: str) -> CaseForm:
    fields = [
        Field("into", "The case it repeats (its code)", required=True),
        Field("reason", "Reason", required=True),
    ]

    def send(ctx: Context, code: str, answers: Answers, version: int) -> Done:
        return case_service.merge_case(
            ctx, code, into=answers["into"], reason=answers["reason"], expected_version=version
        )

    return CaseForm(FormScreen("Merge a repeat into the case it repeats", subject, fields), send)


FORM_MOVES = ("file", "verify", "close", "extension", "place", "merge")


def case_form(
    move: str,
    row: CaseRow,
    subject: str,
    categories: Sequence[CategoryLine],
    timezone: ZoneInfo,
    grids: Sequence[GridLine] = (),
) -> CaseForm:
    if move == "place":
        return _place(subject, grids)
    if move == "merge":
        return _merge(subject)
    if move == "file":
        return _file(row, subject, categories)
    if move == "verify":
        return _verify(subject)
    if move == "close":
        return _close(subject)
    return _extension(subject, timezone)


@dataclass(frozen=True)
class NewCaseForm:
    screen: FormScreen
    send: Callable[[Context, Answers], Done]


def new_case_form(
    categories: Sequence[CategoryLine], grids: Sequence[GridLine] = ()
) -> NewCaseForm:
    """A report taken by hand: a hotline call, a walk-in, a grid worker on patrol. Where: a
    grid picked by typing part of its name or code, a point, or an address; with none of
    them the case waits in the unplaced queue."""
    by_code = {line.code: line for line in categories}
    fields = [
        Field("title", "Title", required=True),
        Field(
            "channel",
            "Channel",
            [(channel.value, channel.value) for channel in Channel],
            required=True,
            initial=Channel.HOTLINE.value,
        ),
        Field(
            "category",
            "Category (unclassified if none)",
            [(line.code, f"{line.code}  {line.name}") for line in categories],
            explain=lambda code: _limits(by_code[code]) if code in by_code else "",
        ),
        Field("grid", "Grid", _grid_choices(grids), filtered=True),
        Field("at", "Or the place as LAT,LON"),
        Field("address", "Address"),
        Field("description", "Description"),
        Field("reporter", "Reporter"),
        Field("phone", "Reporter's phone"),
    ]

    def send(ctx: Context, answers: Answers) -> Done:
        return case_service.report_case(
            ctx,
            title=answers["title"],
            category=answers["category"] or None,
            source=answers["channel"],
            at=Point.parse(answers["at"]) if answers["at"] else None,
            grid=answers["grid"] or None,
            address=answers["address"],
            description=answers["description"],
            reporter=answers["reporter"] or None,
            reporter_phone=answers["phone"] or None,
        )

    return NewCaseForm(FormScreen("Report a new case", "taken by hand", fields), send)
