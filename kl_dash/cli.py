"""The kl-dash command line: a thin layer over the same functions the pages call."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from . import (
    bootstrap,
    config,
    db,
    downloads,
    importer,
    labels,
    programme_store,
    store,
    upload_log,
    users,
)
from .errors import InvalidInput, KlDashError, count_errors
from .programmes import to_toml
from .undo import undo as undo_upload
from .update_kinds import KINDS

DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=str),
    help=f"Databasefil eller postgresql://-adresse. Standard: ${db.ENV_VAR}, ellers "
    "data/kl_dash.duckdb.",
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
    db.private_files()


@main.command()
@DB_OPTION
@click.option("--no-example", is_flag=True, help="Opret uden eksempeldata (kun referencedata).")
@click.option("--force", is_flag=True, help="Slet en eksisterende database og opret den på ny.")
def init(db_path: Path | None, no_example: bool, force: bool) -> None:
    """Opret databasen med referencedata og eksempeldata; opdater skemaet på en eksisterende."""
    path = db.resolve_db_path(db_path)
    if store.is_postgres(path) and force:
        raise CliError(
            "--force sletter aldrig en PostgreSQL-database; slet den selv (dropdb), hvis det "
            "er meningen, og kør så kl-dash init igen."
        )
    try:
        if store.is_postgres(path):
            result = bootstrap.init_postgres(path, example=not no_example)
        else:
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


def _open(db_path: Path | None):
    path = db.resolve_db_path(db_path)
    if not store.is_postgres(path) and not path.exists():
        raise CliError(f"{path} findes ikke. Opret den med: kl-dash init --db {path}")
    try:
        return db.connect(path)
    except KlDashError as exc:
        raise CliError(str(exc)) from exc


@contextmanager
def _database(db_path: Path | None, file: Path | None = None) -> Iterator:
    """An open database for one command; problems from kl_dash become Danish errors.

    Every problem found in ``file`` is printed to stderr, and the command exits 1.
    """
    con = _open(db_path)
    try:
        programme_store.purge_removed(con)  # left by an undo interrupted before its purge
        yield con
    except InvalidInput as exc:
        for error in exc.errors:
            click.echo(error.message(), err=True)
        name = file.name if file else "filen"
        raise CliError(
            f"{count_errors(len(exc.errors), exc.more)} i {name}; intet er gemt."
        ) from exc
    except KlDashError as exc:
        raise CliError(str(exc)) from exc
    finally:
        con.close()


def _default_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "kl-dash"


@main.command(name="import")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@DB_OPTION
@click.option("--dry-run", is_flag=True, help="Vis kun, hvad der ville ændre sig; gem intet.")
@click.option("--user", default=None, help="Hvem uploader (standard: brugernavnet på maskinen).")
@click.option("--sheet", default=None, help="Arket i en .xlsx-fil (standard: det første).")
def import_(kind: str, file: Path, db_path, dry_run: bool, user: str | None, sheet) -> None:
    """Indlæs en opdatering (CSV eller Excel): kontrollér, vis ændringerne, gem."""
    with _database(db_path, file) as con:
        data = file.read_bytes()
        prepared = importer.prepare(con, kind, data, file.name, sheet)
        for warning in prepared.warnings:
            click.echo(f"Advarsel: {warning.message()}", err=True)
        if not prepared.ok:
            raise InvalidInput(prepared.errors, prepared.more_errors)
        counts = prepared.counts
        click.echo(
            f"{file.name} ({prepared.raw.encoding}, {prepared.raw.rows} rækker): "
            f"{counts['new']} nye, {counts['changed']} ændrede, {counts['unchanged']} uændrede."
        )
        if dry_run:
            click.echo("--dry-run: intet er gemt.")
            return
        stored = importer.store(
            con, kind, data, file.name, user or _default_user(), sheet, prepared=prepared
        )
    if stored.upload_id is None:
        click.echo("Filen ændrer ingenting; intet er gemt.")
    else:
        click.echo(
            f"Gemt som upload {stored.upload_id}. Fortryd med: kl-dash undo {stored.upload_id}"
        )


@main.command()
@DB_OPTION
def uploads(db_path) -> None:
    """Vis upload-loggen: hvem, hvornår, hvilken fil og hvad den ændrede."""
    with _database(db_path) as con:
        log = upload_log.entries(con)
    if log.empty:
        click.echo("Ingen uploads endnu.")
        return
    for row in log.itertuples():
        undone = (
            f"  fortrudt {row.undone_at:%d-%m-%Y %H:%M} af {row.undone_by}" if row.undone_at else ""
        )
        click.echo(
            f"{row.id:>4}  {row.uploaded_at:%d-%m-%Y %H:%M}  {row.uploaded_by}  {row.kind}  "
            f"{row.file_name}  {row.rows_new} nye, {row.rows_changed} ændrede, "
            f"{row.rows_unchanged} uændrede  sha256 {row.sha256[:12]}{undone}"
        )


@main.command(name="copy-to-postgres")
@click.argument("url", metavar="URL")
@DB_OPTION
def copy_to_postgres(url: str, db_path) -> None:
    """Kopiér databasefilen til en tom PostgreSQL-database (postgresql://…)."""
    if not store.is_postgres(url):
        raise CliError(f"{url}: forventet en adresse, der begynder med postgresql://")
    path = db.resolve_db_path(db_path)
    if store.is_postgres(path) or not path.exists():
        raise CliError(f"{path}: forventet en databasefil, der findes (--db).")
    try:
        counts = bootstrap.copy_to_postgres(path, url)
    except KlDashError as exc:
        raise CliError(str(exc)) from exc
    click.echo(f"Kopierede {path} til {url}: {_summary(counts)}.")


@main.command()
@click.argument("upload_id", type=int, metavar="ID")
@DB_OPTION
@click.option("--user", default=None, help="Hvem fortryder (standard: brugernavnet).")
def undo(upload_id: int, db_path, user: str | None) -> None:
    """Fortryd en upload: gendan præcis tilstanden fra før den."""
    with _database(db_path) as con:
        restored = undo_upload(con, upload_id, user or _default_user())
    click.echo(f"Upload {upload_id} er fortrudt; {restored} rækker er gendannet.")


@main.command()
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.option("--partnerskab", default=None, help="Kun dette partnerskab (id).")
@DB_OPTION
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Filen der skrives: .csv eller .xlsx.",
)
def export(kind: str, partnerskab: str | None, db_path, out: Path) -> None:
    """Skriv data i det format, som import læser (CSV eller Excel)."""
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise CliError(f"{out.name}: forventet en fil der ender på .csv eller .xlsx")
    with _database(db_path) as con:
        frame = importer.export_frame(con, kind, partnerskab)
    data = downloads.to_csv(frame) if out.suffix.lower() == ".csv" else downloads.to_xlsx(frame)
    out.write_bytes(data)
    click.echo(f"Skrev {len(frame)} rækker til {out}.")


@main.command()
@click.option("--partnerskab", "programme_id", required=True, help="Partnerskabet (id).")
@click.option(
    "--dato",
    default=None,
    help="Status pr. denne dato (ÅÅÅÅ-MM-DD). Standard: i dag, højst partnerskabets slutdato.",
)
@click.option("--region", default=None, help="Kun kommuner i denne region.")
@click.option("--netvaerk", default=None, help="Kun kommuner i dette netværk (id eller navn).")
@click.option(
    "--kommune",
    default=None,
    help="Kun denne kommune; med --format pdf: kommunens profil på én side.",
)
@DB_OPTION
@click.option(
    "--format", "fmt", required=True, type=click.Choice(["pdf", "pptx"]), help="Filformatet."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Filen der skrives (.pdf eller .pptx).",
)
def report(
    programme_id: str,
    dato: str | None,
    region: str | None,
    netvaerk: str | None,
    kommune: str | None,
    db_path,
    fmt: str,
    out: Path,
) -> None:
    """Skriv statusrapporten for et partnerskab som PDF (A4) eller PowerPoint (16:9)."""
    from datetime import date

    from . import filters, queries, report_pdf, report_pptx

    if out.suffix.lower() != f".{fmt}":
        raise CliError(f"{out.name}: forventet en fil der ender på .{fmt} (--format {fmt})")
    given = {
        filters.AS_OF: dato,
        filters.REGION: region,
        filters.NETWORK: netvaerk,
        filters.MUNICIPALITY: kommune,
    }
    with _database(db_path) as con:
        known = list(queries.programmes(con)["id"])
        if programme_id not in known:
            raise CliError(
                f'Partnerskabet "{programme_id}" findes ikke. Vælg et af: {", ".join(known)}.'
            )
        today = date.today()
        choices = filters.load_choices(con, programme_id, today)
        view, notices = filters.parse({k: v for k, v in given.items() if v}, programme_id, choices)
        if notices:
            for notice in notices:
                click.echo(notice, err=True)
            raise CliError("Rapporten er ikke skrevet: ret filtrene ovenfor.")
        if kommune and fmt == "pdf":
            data = report_pdf.write_profile(con, view, choices, today)
            what = f"Kommuneprofilen for {choices.municipalities[view.municipality_code]}"
        else:
            writer = report_pdf if fmt == "pdf" else report_pptx
            data = writer.write_status(con, view, choices, today)
            what = f"Statusrapporten for {programme_id}"
    out.write_bytes(data)
    click.echo(f"{what} pr. {view.as_of.isoformat()} er skrevet til {out}.")


@main.group()
def programme() -> None:
    """Partnerskaber som definitionsfiler (TOML): kontrollér, tilføj, ændr, eksportér."""


def _read_definition(file: Path) -> str:
    limit = config.max_upload_bytes()
    if file.stat().st_size > limit:
        raise CliError(
            f"{file.name}: filen fylder {file.stat().st_size:,} bytes; forventet en fil på højst "
            f"{config.MAX_UPLOAD_MB.value()} MB ({config.MAX_UPLOAD_MB.name})".replace(",", ".")
        )
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(f"{file.name}: forventet en tekstfil i UTF-8") from exc


@programme.command(name="check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def programme_check(file: Path) -> None:
    """Kontrollér en definitionsfil og vis alle fejl på én gang."""
    try:
        p = programme_store.check(_read_definition(file), file.name)
    except InvalidInput as exc:
        for error in exc.errors:
            click.echo(error.message(), err=True)
        raise CliError(f"{len(exc.errors)} fejl i {file.name}.") from exc
    click.echo(
        f"{file.name} er i orden: {p.id} ({p.name}), {len(p.groups)} grupper/spor, "
        f"{len(p.meetings)} møder, {len(p.criteria)} succeskriterier."
    )


@programme.command(name="add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@DB_OPTION
@click.option("--user", default=None, help="Hvem tilføjer (standard: brugernavnet).")
def programme_add(file: Path, db_path, user: str | None) -> None:
    """Tilføj et nyt partnerskab fra en definitionsfil (én transaktion, kan fortrydes)."""
    with _database(db_path, file) as con:
        upload_id = programme_store.add(
            con, _read_definition(file), file.name, user or _default_user()
        )
    click.echo(
        f"Partnerskabet er tilføjet som upload {upload_id}. Fortryd med: kl-dash undo {upload_id}"
    )


@programme.command(name="update")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@DB_OPTION
@click.option("--user", default=None, help="Hvem ændrer (standard: brugernavnet).")
@click.option("--yes", is_flag=True, help="Gem uden at spørge, når ændringerne er vist.")
def programme_update(file: Path, db_path, user: str | None, yes: bool) -> None:
    """Ændr et partnerskab: vis ændringerne først; afvis ændringer der sletter data."""
    text = _read_definition(file)
    with _database(db_path, file) as con:
        found, refusals = programme_store.changes(con, programme_store.check(text, file.name))
        for change in found:
            click.echo(f"- {change.text}")
        if refusals:
            for refusal in refusals:
                click.echo(refusal, err=True)
            raise CliError("Ændringen er afvist; intet er ændret.")
        if not found:
            click.echo("Filen ændrer ingenting.")
            return
        if not yes:
            click.confirm(f"Gem {len(found)} ændringer?", abort=True)
        upload_id = programme_store.update(con, text, file.name, user or _default_user())
    click.echo(f"Gemt som upload {upload_id}. Fortryd med: kl-dash undo {upload_id}")


@programme.command(name="export")
@click.argument("programme_id", metavar="ID")
@DB_OPTION
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Filen der skrives (.toml); uden --out skrives til stdout.",
)
def programme_export(programme_id: str, db_path, out: Path | None) -> None:
    """Skriv et partnerskab som definitionsfil (TOML)."""
    with _database(db_path) as con:
        text = to_toml(programme_store.load(con, programme_id))
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Skrev {programme_id} til {out}.")


@main.group()
def user() -> None:
    """Lokale brugere og deres roller (viewer, editor, admin)."""


def _password() -> str:
    """A new password: asked for twice on a terminal, else read from the first line of stdin."""
    if sys.stdin.isatty():
        return click.prompt("Adgangskode", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@user.command(name="add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(users.ROLES), help="Brugerens rolle.")
@DB_OPTION
def user_add(name: str, role: str, db_path) -> None:
    """Opret en bruger; adgangskoden spørges om (eller læses fra stdin)."""
    with _database(db_path) as con:
        users.add_user(con, name, role, _password(), _default_user())
    click.echo(f"Brugeren {name} er oprettet med rollen {role}.")


@user.command(name="list")
@DB_OPTION
def user_list(db_path) -> None:
    """Vis brugerne og deres roller."""
    with _database(db_path) as con:
        rows = users.list_users(con)
    if not rows:
        click.echo("Ingen brugere: appen kører i lokal tilstand (kun på denne maskine).")
    for name, role, created in rows:
        click.echo(f"{name}  {role}  oprettet {created:%d-%m-%Y %H:%M}")


@user.command(name="remove")
@click.argument("name")
@DB_OPTION
def user_remove(name: str, db_path) -> None:
    """Slet en bruger."""
    with _database(db_path) as con:
        users.remove_user(con, name, _default_user())
    click.echo(f"Brugeren {name} er slettet.")


@user.command(name="passwd")
@click.argument("name")
@DB_OPTION
def user_passwd(name: str, db_path) -> None:
    """Skift en brugers adgangskode (spørges om, eller læses fra stdin)."""
    with _database(db_path) as con:
        users.set_password(con, name, _password(), _default_user())
    click.echo(f"Adgangskoden for {name} er skiftet.")
