"""The kl-dash command line: a thin layer over the same functions the pages call."""

from __future__ import annotations

from pathlib import Path

import click

from . import bootstrap, db, labels
from .errors import KlDashError

DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Databasefil. Standard: ${db.ENV_VAR}, ellers data/kl_dash.duckdb.",
)

SUMMARY_TABLES = (
    "municipalities",
    "programmes",
    "enrollments",
    "meetings",
    "attendance",
    "criterion_status",
    "uploads",
)


class CliError(click.ClickException):
    """A refusal or failure, printed in Danish on stderr; exit code 1."""

    def show(self, file=None) -> None:
        click.echo(f"Fejl: {self.message}", err=True)


def _summary(counts: dict[str, int]) -> str:
    return labels.count_summary(counts, SUMMARY_TABLES)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kl-dash")
def main() -> None:
    """kl-dash: data til KL's partnerskabsdashboard."""


@main.command()
@DB_OPTION
@click.option("--no-example", is_flag=True, help="Opret uden eksempeldata (kun referencedata).")
@click.option("--force", is_flag=True, help="Slet en eksisterende database og opret den på ny.")
def init(db_path: Path | None, no_example: bool, force: bool) -> None:
    """Opret databasen med referencedata og eksempeldata; opdater skemaet på en eksisterende."""
    path = db.resolve_db_path(db_path)
    try:
        if force and path.exists():
            click.echo(
                f"--force: {bootstrap.describe_loss(path)} Den slettes og oprettes på ny.",
                err=True,
            )
        result = bootstrap.init_database(path, example=not no_example, force=force)
    except KlDashError as exc:
        raise CliError(
            f"{exc}\nVælg en anden fil med --db, eller brug --force for at erstatte den."
        ) from exc
    if result.created:
        kind = "uden eksempeldata" if no_example else "med eksempeldata"
        click.echo(
            f"Oprettede {path} (skemaversion {result.version}) {kind}: {_summary(result.counts)}."
        )
    elif result.migrated_from != result.version:
        click.echo(
            f"{path} fandtes allerede; skemaet er opdateret fra version {result.migrated_from} "
            f"til {result.version}. Intet er slettet: {_summary(result.counts)}."
        )
    else:
        click.echo(
            f"{path} findes allerede (skemaversion {result.version}) og er ikke ændret: "
            f"{_summary(result.counts)}. Brug --force for at slette den og oprette den på ny."
        )
