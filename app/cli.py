"""The ``wcc`` command."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app import wording
from app.errors import DomainError
from app.framework.loader import FrameworkError

if TYPE_CHECKING:
    from app.config import Settings
    from app.storage import ObjectStore
    from app.storage.migrate import MigrationResult

app = typer.Typer(
    help="WCC Assurance Tracker: World Class Commissioning assurance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
framework_app = typer.Typer(help="Competency framework files.", no_args_is_help=True)
storage_app = typer.Typer(help="Where attachment files are kept.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(framework_app, name="framework")
app.add_typer(storage_app, name="storage")

T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"wcc: error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def _cli_errors() -> Iterator[None]:
    """Known faults become one line on stderr and a non-zero exit, never a traceback."""
    try:
        yield
    except (FrameworkError, DomainError) as exc:
        raise fail(str(exc)) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise fail(f"configuration: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    except OperationalError as exc:
        raise fail(f"database: {exc.orig or exc}".splitlines()[0]) from None


def _with_session(action: Callable[[Session], T]) -> T:
    from app.db import get_engine

    with Session(get_engine(), expire_on_commit=False) as session:
        return action(session)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply the database migrations (to the latest by default)."""
    from app.config import get_settings
    from app.schema_migrations import upgrade

    with _cli_errors():
        settings = get_settings()
        upgrade(settings.sqlalchemy_url, revision)
    typer.echo(f"Database at {revision}.")


@app.command()
def demo(
    scale: Annotated[
        str, typer.Option(help="'demo' (realistic, small) or 'national' (for benchmarks).")
    ] = "demo",
) -> None:
    """Load the demo organisations, users, cycles, evidence and assessments (idempotent)."""
    from app.db import get_engine
    from app.demo import load_demo, load_national, refresh_statistics

    if scale not in ("demo", "national"):
        raise fail(f"unknown scale {scale!r}; choose demo or national")
    with _cli_errors():
        result = _with_session(load_demo if scale == "demo" else load_national)
        if scale == "national":
            refresh_statistics(get_engine())
    created = sum(result.created.values())
    typer.echo(f"Demo data ready ({created} rows created).")
    typer.echo("Demo sign-ins (role, organisation, email, password):")
    for role, organisation, email, password in result.sign_ins:
        typer.echo(f"  {role:<13} {organisation:<9} {email:<40} {password}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes.")] = False,
) -> None:
    """Serve the web application and the API."""
    import uvicorn

    from app.config import get_settings
    from app.framework.service import loaded_frameworks

    with _cli_errors():
        settings = get_settings()
        loaded_frameworks()
    _embedded_mail_worker(settings)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        access_log=settings.env != "production",
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


def _embedded_mail_worker(settings: Settings) -> None:
    """On SQLite (the embedded set-up) each web process delivers the outbox itself, unless
    WCC_MAIL_WORKER says otherwise; the setting reaches the server's processes through their
    environment."""
    import os

    from app.config import MailWorker, get_settings

    if settings.sqlalchemy_url.startswith("sqlite"):
        os.environ.setdefault("WCC_MAIL_WORKER", MailWorker.EMBEDDED.value)
        get_settings.cache_clear()


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="One pass, then stop.")] = False,
    every: Annotated[
        float, typer.Option(min=0.5, help="Seconds between passes over the outbox.")
    ] = 5.0,
) -> None:
    """Send the mail waiting in the outbox, with retries, until interrupted."""
    import threading

    from app.config import get_settings
    from app.db import get_engine
    from app.mail.worker import check_configuration, deliver_due, run_forever

    with _cli_errors():
        settings = get_settings()
        if settings.smtp_url is None:
            raise fail(
                "WCC_SMTP_URL is not set: mail stays in the outbox (an administrator reads it "
                "at /admin/outbox)"
            )
        try:
            check_configuration(settings)
        except ValueError as exc:
            raise fail(str(exc)) from None
        engine = get_engine()

        def factory() -> Session:
            return Session(engine, expire_on_commit=False)

        def report(sent: int) -> None:
            if sent or once:
                typer.echo(f"Sent {wording.count(sent, 'mail')}.")

        if once:
            report(deliver_due(factory))
            return
        typer.echo(f"Sending mail every {every:g} seconds; Ctrl+C stops.")
        try:
            run_forever(factory, threading.Event(), poll_seconds=every, on_pass=report)
        except KeyboardInterrupt:
            typer.echo("Stopped.")


@app.command()
def reminders(
    today: Annotated[
        str | None,
        typer.Option(help="Count the days to each deadline from this date (YYYY-MM-DD)."),
    ] = None,
) -> None:
    """Write the deadline reminders due today (14 and 3 days before submission) into the
    outbox, each once however often this runs."""
    from datetime import date

    from app.mail.reminders import send_reminders
    from app.wording import today_in_england

    with _cli_errors():
        try:
            day = date.fromisoformat(today) if today else today_in_england()
        except ValueError:
            raise fail(f"--today: {today!r} is not a date written as YYYY-MM-DD") from None
        sent = _with_session(lambda session: send_reminders(session, day))
        typer.echo(
            f"{wording.count(sent.written, 'reminder')} written for "
            f"{wording.count(sent.pcts, 'PCT')} not yet submitted "
            f"({wording.long_date(day)})."
        )


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="Email address (the sign-in name).")],
    role: Annotated[
        str, typer.Option(help="pct_lead, board_member, clinician, sha_reviewer or admin.")
    ],
    password: Annotated[str | None, typer.Option(help="Password; asked for when left out.")] = None,
    org: Annotated[str | None, typer.Option(help="Organisation code (none for admin).")] = None,
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
) -> None:
    """Create a user account."""
    from app.actors import SYSTEM
    from app.users.models import Role
    from app.users.service import create_user

    try:
        parsed_role = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise fail(f"unknown role {role!r}; choose one of {roles}") from None
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    full_name = name or email.split("@")[0].replace(".", " ").title()
    with _cli_errors():
        user = _with_session(
            lambda session: create_user(
                session,
                SYSTEM,
                email=email,
                full_name=full_name,
                password=password,
                role=parsed_role,
                organisation_code=org,
            )
        )
    typer.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@app.command()
def report(
    assessment_id: Annotated[int, typer.Argument(help="The assessment's id.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the PDF.")],
) -> None:
    """Write an assessment's assurance report as PDF."""
    from app.actors import SYSTEM
    from app.reports.context import assessment_report
    from app.reports.documents import assessment_html
    from app.reports.pdf import render_pdf

    with _cli_errors():
        html = _with_session(
            lambda session: assessment_html(assessment_report(session, SYSTEM, assessment_id))
        )
        pdf = render_pdf(html)
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise fail(f"{out}: cannot be written ({exc.strerror or exc})") from None
    typer.echo(f"Wrote {out} ({len(pdf):,} bytes).")


@app.command("export")
def export_command(
    file: Annotated[Path, typer.Argument(help="Where to write the backup (JSON).")],
) -> None:
    """Back up the whole database, attachments included, to one JSON file."""
    from app.backup import BackupError, export_database
    from app.db import get_engine

    with _cli_errors():
        try:
            counts = export_database(get_engine(), file)
        except BackupError as exc:
            raise fail(str(exc)) from None
    rows = sum(v for k, v in counts.items() if k != "files")
    typer.echo(f"Wrote {file}: {rows} rows in {len(counts) - 1} tables, {counts['files']} files.")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A backup written by `wcc export`.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a database that already has data.")
    ] = False,
    strip_control_characters: Annotated[
        bool,
        typer.Option(
            "--strip-control-characters",
            help="Take control characters (such as a NUL) out of the rows holding them, "
            "instead of refusing the backup.",
        ),
    ] = False,
) -> None:
    """Restore a backup into this database (empty, unless --replace). A backup with control
    characters in its text is refused, naming every row, and nothing is restored."""
    from app.backup import BackupError, import_database
    from app.db import get_engine

    with _cli_errors():
        try:
            counts = import_database(
                get_engine(),
                file,
                replace=replace,
                strip_control_characters=strip_control_characters,
            )
        except BackupError as exc:
            raise fail(str(exc)) from None
    cleaned = counts.pop("cleaned", 0)
    rows = sum(v for k, v in counts.items() if k != "files")
    typer.echo(f"Restored {file}: {rows} rows, {counts['files']} files.")
    if cleaned:
        typer.echo(f"Control characters taken out of {wording.count(cleaned, 'row')}.")


@framework_app.command("check")
def framework_check(
    file: Annotated[Path, typer.Argument(help="A framework file (YAML).")],
) -> None:
    """Check a framework file with the same rules start-up uses."""
    from app.framework.loader import load_framework

    with _cli_errors():
        loaded = load_framework(file)
    framework = loaded.framework
    criteria = sum(len(c.criteria) for c in framework.competencies)
    parts = f", {wording.count(criteria, 'criterion', 'criteria')}" if criteria else ""
    rule = f", rolled up by the {framework.roll_up.rule.value} level" if framework.roll_up else ""
    typer.echo(
        f"{file}: ok: {framework.version}, {len(framework.competencies)} competencies"
        f"{parts}, 4 levels each{rule}, sha256 {loaded.sha256}"
    )


LISTED = 20


def _store(option: str, url: str) -> ObjectStore:
    """The store ``url`` names; a URL naming none is a one-line error about ``option``."""
    from app.storage import StorageUrlError, open_store

    try:
        return open_store(url)
    except StorageUrlError as exc:
        raise fail(f"{option}: {exc}") from None


def _url_of(url: str) -> str:
    """A storage URL as it could be given again (the data folder when empty)."""
    from app.config import get_settings

    return url.strip() or f"file://{get_settings().data_dir.absolute()}"


def _size(count: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return wording.count(count, "byte")


def _list_some(lines: list[str]) -> None:
    """The first few lines on stderr, and how many more there are."""
    for line in lines[:LISTED]:
        typer.echo(f"  {line}", err=True)
    if len(lines) > LISTED:
        typer.echo(f"  … and {len(lines) - LISTED} more", err=True)


@storage_app.command("migrate")
def storage_migrate(
    to: Annotated[
        str,
        typer.Option(
            "--to", help="The store to copy into: s3://BUCKET?endpoint=… or file:///folder."
        ),
    ],
    source_url: Annotated[
        str | None,
        typer.Option("--from", help="The store to copy from (by default WCC_STORAGE_URL's)."),
    ] = None,
) -> None:
    """Copy every attachment file into another store, each checked there by SHA-256.

    Files the other store holds already are skipped; nothing is removed from the store
    copied from, and cached reports are not copied (they are rendered again)."""
    from app.config import get_settings
    from app.db import get_engine
    from app.storage.location import parse
    from app.storage.migrate import copy_files

    with _cli_errors():
        settings = get_settings()
        origin = settings.storage_url if source_url is None else source_url
        source, target = _store("--from", origin), _store("--to", to)
        if parse(origin, settings.data_dir) == parse(to, settings.data_dir):
            raise fail(f"--to names {target.describe()}, which the files are copied from")
        try:
            result = copy_files(source, target, engine=get_engine())
        except OSError as exc:
            raise fail(f"{exc.filename or 'copying'}: {exc.strerror or exc}") from None
    _report_migration(result, source, target, origin, to)


def _report_migration(
    result: MigrationResult, source: ObjectStore, target: ObjectStore, origin: str, to: str
) -> None:
    """What was copied, and then either what could not be or what to do next."""
    import shlex

    copied = wording.count(result.copied, "file")
    checked = "every file verified by SHA-256" if result.ok else "those verified by SHA-256"
    typer.echo(
        f"Copied {copied} ({_size(result.bytes_copied)}) to {target.describe()}; "
        f"{result.already_there} already there; {checked}."
    )
    if not result.ok:
        _list_some(result.problems)
        raise fail(
            f"{wording.count(len(result.problems), 'file')} could not be copied (listed above); "
            "restore them in the old store and run this again: what is copied is skipped"
        )
    url = to.strip()
    setting = f"set WCC_STORAGE_URL={shlex.quote(url)}" if url else "unset WCC_STORAGE_URL"
    typer.echo(
        f"Next: {setting} for every server and worker, and restart them. Files uploaded "
        f"meanwhile are only in {source.describe()}: then run this again with "
        f"--from {shlex.quote(_url_of(origin))} to copy them."
    )


@storage_app.command("sweep")
def storage_sweep(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list what would be removed.")
    ] = False,
    older_than_minutes: Annotated[
        int,
        typer.Option(
            min=1, help="Leave younger files (an upload stores its file before its record)."
        ),
    ] = 60,
) -> None:
    """Remove attachment files no attachment uses, once they are old.

    They are left by an upload cut short, or by a deleted evidence item."""
    from datetime import timedelta

    from app.db import get_engine
    from app.storage import StorageUnavailable, current
    from app.storage.sweep import sweep

    with _cli_errors():
        store = current()
        try:
            result = sweep(
                store,
                get_engine(),
                older_than=timedelta(minutes=older_than_minutes),
                dry_run=dry_run,
            )
        except StorageUnavailable as exc:
            raise fail(
                f"{store.describe()} cannot be reached ({exc.reason or 'no answer'}); "
                "try again later"
            ) from None
    files = f"{wording.count(len(result.removed), 'file')} ({_size(result.bytes_removed)})"
    if dry_run:
        listing = ":" if result.removed else "."
        typer.echo(f"Would remove {files} no attachment uses from {store.describe()}{listing}")
        for item in result.removed:
            typer.echo(f"  {item.key} ({_size(item.size)}, {item.modified:%Y-%m-%d %H:%M} UTC)")
        typer.echo("Nothing was removed (--dry-run).")
    else:
        typer.echo(f"Removed {files} no attachment uses from {store.describe()}.")
    if result.kept_young:
        typer.echo(
            f"Left {wording.count(result.kept_young, 'unused file')} younger than "
            f"{older_than_minutes} minutes, as an upload may still be under way."
        )


@storage_app.command("check")
def storage_check() -> None:
    """Say which store holds the files, and check every attachment's file is there."""
    from app.db import get_engine
    from app.storage import StorageUnavailable, current
    from app.storage.migrate import missing_files

    with _cli_errors():
        store = current()
        typer.echo(f"Files are kept in {store.describe()}.")
        try:
            store.check()
            total, missing = missing_files(store, get_engine())
        except StorageUnavailable as exc:
            raise fail(
                f"{store.describe()} does not answer ({exc.reason or 'no answer'})"
            ) from None
    if missing:
        _list_some([f"{digest} is missing" for digest in missing])
        raise fail(
            f"{len(missing)} of {wording.count(total, 'attachment file')} "
            f"{'is' if len(missing) == 1 else 'are'} missing from {store.describe()}"
        )
    typer.echo(
        f"It answers, and every attachment's file is there ({wording.count(total, 'file')})."
    )


if __name__ == "__main__":
    app()
