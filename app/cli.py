"""Flask CLI commands: `flask db ...`, `flask demo ...`, `flask outbox ...`."""

import click
from flask import Flask
from flask.cli import AppGroup

db_cli = AppGroup("db", help="Database schema commands.")


@db_cli.command("upgrade")
def db_upgrade():
    """Apply the pending schema migrations."""
    from app.services.schema import upgrade_database

    applied = upgrade_database()
    click.echo(f"{len(applied)} migration(s) applied." if applied else "Schema up to date.")


outbox_cli = AppGroup("outbox", help="E-mail outbox commands.")


@outbox_cli.command("flush")
def outbox_flush():
    """Send every pending e-mail of the outbox now, in this process, without the queue."""
    from app.database import database
    from app.services.notifications import flush_outbox

    with database.connection_context():
        report = flush_outbox()

    click.echo(
        f"{len(report.sent_ids)} sent, {len(report.failed_ids)} not sent, "
        f"{len(report.cancelled_ids)} cancelled, {report.skipped} skipped."
    )
    if report.failed_ids:
        raise click.ClickException(
            f"{len(report.failed_ids)} e-mail(s) not sent; see the log and "
            "the last_error column of the notification table."
        )


@outbox_cli.command("status")
def outbox_status():
    """Count the outbox rows per status."""
    from app.database import database
    from app.services.notifications import outbox_counts

    with database.connection_context():
        counts = outbox_counts()
    for status in ("pending", "sending", "sent", "failed", "cancelled"):
        click.echo(f"{status}: {counts.get(status, 0)}")


demo_cli = AppGroup("demo", help="Demo data commands.")


@demo_cli.command("load")
@click.option("--labs", default=2, show_default=True, help="Number of labs, 1 or 2.")
@click.option("--clients", default=30, show_default=True, help="Clients per lab (at least 5).")
@click.option("--years", default=3, show_default=True, help="Years of history up to today.")
@click.option(
    "--documents",
    default=40,
    show_default=True,
    help="Documents per client and year, on average.",
)
@click.option(
    "--lines",
    default=2,
    show_default=True,
    help="Lines per case document on average; invoices gather a month of them.",
)
@click.option("--seed", default=2024, show_default=True, help="Seed of the random draws.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day of the history, YYYY-MM-DD (default: today).",
)
@click.option(
    "--bulk/--no-bulk",
    default=None,
    help="Write with multi-row inserts instead of issue_document "
    "(default: bulk above 20,000 documents).",
)
@click.option("--force", is_flag=True, help="Load even if the database already has labs.")
def demo_load(labs, clients, years, documents, lines, seed, today, bulk, force):
    """Migrate the database, then create demo labs, users and documents."""
    from app.database import database
    from app.models import Lab
    from app.services import demo
    from app.services.schema import upgrade_database

    sizes = demo.DemoSizes(
        labs=labs,
        clients_per_lab=clients,
        years=years,
        documents_per_client_per_year=documents,
        lines_per_document=lines,
    )
    try:
        sizes.validate()
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc

    with database.connection_context():
        upgrade_database()
        lab_count = Lab.select().count()
        if lab_count and not force:
            raise click.ClickException(
                f"The database already has {lab_count} lab(s): demo data is loaded only into "
                "an empty database. Pass --force to add the demo labs anyway."
            )
        summary = demo.load_demo(sizes, seed=seed, today=today.date() if today else None, bulk=bulk)

    click.echo(
        f"Demo data loaded in {summary.seconds:.1f} s: {len(summary.lab_ids)} lab(s), "
        f"{summary.documents} documents, {summary.counts['lines']} lines, "
        f"{summary.users} users ({'bulk' if summary.bulk else 'issue_document'} writer)."
    )
    echo_demo_logins(demo.demo_logins(labs))


def echo_demo_logins(logins: list[tuple[str, str]]) -> None:
    """Print the demo logins and their shared password."""
    from app.services.demo import DEMO_PASSWORD

    click.echo("Demo logins (password for all: " + DEMO_PASSWORD + "):")
    for who, email in logins:
        click.echo(f"  {email:<45} {who}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(demo_cli)
