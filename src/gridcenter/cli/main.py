"""The `gridcenter` command."""

import shlex
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from gridcenter import logs
from gridcenter.cli import (
    accounts,
    alerts,
    bench,
    cases,
    categories,
    departments,
    fieldwork,
    integrations,
    jobs,
    report,
    roster,
    staff,
    stationing,
    store,
    tasks,
    territory,
)
from gridcenter.cli.common import EXIT_CRASH, fail, password_prompt, refusals, settings_of
from gridcenter.cli.group import GlobalOptionsGroup
from gridcenter.config import Settings, os_login
from gridcenter.domain.access import Action
from gridcenter.services.bootstrap import init_store, open_context
from gridcenter.services.context import make_loop
from gridcenter.ssh.login import (
    guard_session,
    office_access_problem,
    refuse_requested_command,
    sshd_snippet,
)
from gridcenter.store.database import Database, sqlite_path, store_url
from gridcenter.store.generator import generate_cases
from gridcenter.store.seeding import seed_demo

app = typer.Typer(
    cls=GlobalOptionsGroup,
    help="gridcenter: the command-center console of community grid governance.",
    epilog="The options above may also follow the command: gridcenter case list --db URL.",
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)
app.add_typer(cases.app, name="case")
app.add_typer(categories.app, name="categories")
app.add_typer(staff.app, name="staff")
app.add_typer(departments.app, name="departments")
app.add_typer(fieldwork.grids, name="grids")
fieldwork.grids.add_typer(tasks.app, name="task")
app.add_typer(fieldwork.field, name="field")
app.add_typer(roster.app, name="roster")
app.add_typer(territory.app, name="territory")
app.add_typer(stationing.app, name="stationing")
app.add_typer(alerts.app, name="alerts")
app.add_typer(alerts.readings, name="readings")
app.add_typer(jobs.app, name="jobs")
app.add_typer(integrations.ingest, name="ingest")
app.add_typer(integrations.webhooks, name="webhooks")
app.add_typer(accounts.accounts, name="accounts")
app.add_typer(accounts.audit, name="audit")
app.add_typer(store.app, name="db")
app.command("scheduler")(jobs.scheduler)
app.command("bench")(bench.bench)
app.command("report")(report.report)


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option(help="Database URL (or GRIDCENTER_DB); a SQLite file by default.")
    ] = None,
    operator: Annotated[
        str | None, typer.Option(help="Who is acting (or GRIDCENTER_OPERATOR).")
    ] = None,
    theme: Annotated[str | None, typer.Option(help="Console theme (or GRIDCENTER_THEME).")] = None,
    log_level: Annotated[
        str,
        typer.Option(
            help=f"What the log file keeps (or GRIDCENTER_LOG_LEVEL); it is {logs.log_path()}.",
            envvar="GRIDCENTER_LOG_LEVEL",
        ),
    ] = logs.DEFAULT_LEVEL,
    bell: Annotated[
        bool,
        typer.Option(
            "--bell/--no-bell",
            help="Ring the terminal's bell when a new alarm arrives (or GRIDCENTER_BELL=0).",
            envvar="GRIDCENTER_BELL",
        ),
    ] = True,
    idle_reset: Annotated[
        float,
        typer.Option(
            min=5,
            help="Seconds without a key before the console shows the top of every pane "
            "(or GRIDCENTER_IDLE_RESET).",
            envvar="GRIDCENTER_IDLE_RESET",
        ),
    ] = 60.0,
    host_jobs: Annotated[
        bool,
        typer.Option(
            "--jobs/--no-jobs", help="Let this console host the regular jobs (one host runs them)."
        ),
    ] = True,
) -> None:
    """Without a command, open the console."""
    if log_level not in logs.LEVELS:
        fail(f"{log_level!r} is not a valid log level: {', '.join(logs.LEVELS)}")
    logs.setup(log_level)
    ctx.obj = Settings.load(db=db, operator=operator, theme=theme)
    if ctx.invoked_subcommand is None:
        run_console(
            ctx.obj, host_jobs, create=not ctx.obj.db_given, bell=bell, idle_reset=idle_reset
        )


def run_console(
    settings: Settings,
    host_jobs: bool,
    channel: str = "local",
    create: bool = False,
    bell: bool = True,
    idle_reset: float = 60.0,
) -> None:
    """The console; with `create`, on a demo store made at the default path if none is there."""
    from gridcenter.console.app import GridCenterApp  # the console's imports are heavy
    from gridcenter.console.themes import load_themes

    names = [theme.name for theme in load_themes()]
    if settings.theme not in names:
        fail(f"{settings.theme!r} is not a valid theme: {', '.join(names)}")
    with refusals():
        # A shared wall workstation logs in here, once per console start.
        context = open_context(settings, channel, create, password_prompt())
        context.actor.require(Action.LOOK)
    console = GridCenterApp(
        context,
        theme=settings.theme,
        host_jobs=host_jobs,
        restricted=channel == "ssh",
        bell=bell,
        idle_reset_s=idle_reset,
    )
    try:
        console.run()
    finally:
        context.db.dispose()
    if console.crash:
        fail(console.crash, EXIT_CRASH)


@app.command()
def seed(
    ctx: typer.Context,
    count: Annotated[
        int, typer.Option("--cases", min=0, help="Add this many generated cases.")
    ] = 0,
    open_cases: Annotated[
        int | None,
        typer.Option("--open", min=0, help="How many of them are open (10% by default)."),
    ] = None,
    random_seed: Annotated[int, typer.Option("--seed", help="Random seed of the generator.")] = 1,
) -> None:
    """Load the demo district into an empty store, and add generated cases."""
    settings = settings_of(ctx)
    with refusals():
        path = sqlite_path(settings.db_url)
        if path is not None and not settings.db_given:
            path.parent.mkdir(parents=True, exist_ok=True)  # the user's own data folder
        database = Database(settings.db_url)
        loop = make_loop()
        now = settings.clock.now()
        try:
            database.create_schema()
            if not database.is_seeded():
                report = seed_demo(database, loop, now)
                print(
                    f"seeded the demo district: {report.streets} streets, {report.grids} grids, "
                    f"{report.staff} staff, {report.shifts} shifts, {report.cases} cases"
                )
            elif not count:
                fail("the store already holds a district; use --cases N to add generated cases")
            if count:
                generate_cases(
                    database, loop, count=count, now=now, seed=random_seed, open_cases=open_cases
                )
                print(f"generated {count} cases with seed {random_seed}")
        finally:
            database.dispose()


@app.command()
def init(ctx: typer.Context) -> None:
    """Make a new, empty store for a district of its own: the shipped categories with their
    time limits, no territory, people or cases; you become its admin. Then load the
    territory, departments, staff and roster (`territory import`, `departments import`,
    `staff import`, `roster post` and `roster import`)."""
    settings = settings_of(ctx)
    with refusals():
        categories, login = init_store(settings)
    print(
        f"new store with {categories} categories and {login} as its admin; "
        "next: gridcenter territory import FILE.geojson"
    )


@app.command("ssh-login")
def ssh_login(
    ctx: typer.Context,
    as_login: Annotated[
        str | None,
        typer.Option("--as", help="The account, when one OS user serves several offices."),
    ] = None,
) -> None:
    """What sshd runs for a street office: the console, as the OS login, and nothing else."""
    why_not = refuse_requested_command()
    if why_not:
        fail(why_not)
    settings = settings_of(ctx)
    login = as_login or os_login()
    guard_session()
    run_console(
        Settings(settings.db_url, login, settings.theme, settings.clock), False, channel="ssh"
    )


@app.command("ssh-config")
def ssh_config(ctx: typer.Context) -> None:
    """Print the sshd settings that keep street offices inside the console, on this store."""
    running = Path(sys.argv[0]).resolve()
    command = str(running) if running.name == "gridcenter" else shutil.which("gridcenter")
    url = settings_of(ctx).db_url
    with refusals():
        path = sqlite_path(url)
    problem = office_access_problem(path) if path is not None else None
    if problem:
        print(f"gridcenter: warning: {problem}", file=sys.stderr)
    if store_url(url).password:
        print(
            "gridcenter: warning: the store URL's password will be readable in the sshd "
            "settings; prefer a .pgpass file or peer authentication",
            file=sys.stderr,
        )
    forced = f"{command or '/usr/local/bin/gridcenter'} --db {shlex.quote(url)}"
    print(sshd_snippet(forced), end="")


def run() -> None:
    """The command line's entry point: an error nobody expected is one line on the screen
    and its traceback in the log file."""
    try:
        app()
    except Exception as error:  # the last resort: nothing else caught it
        print(f"gridcenter: {logs.record_unexpected(error, 'running a command')}", file=sys.stderr)
        sys.exit(EXIT_CRASH)
