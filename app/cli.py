"""Command-line interface: click groups per area, thin wrappers over services."""
import json
import sys
import time

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app import indexing
from app.errors import ChainMatchError, ImportRejected
from app.extensions import db
from app.models import Need, Organization, Solution, UserRole
from app.services import backup as backup_service
from app.services import matching as match_service
from app.services.accounts import create_user
from app.services.catalog import export_catalogs, load_catalogs
from app.services.common import after_indexing
from app.services.demo import load_demo
from app.services.imports import import_records

catalogs_cli = AppGroup("catalogs", help="Reference catalogues and bulk import.")
demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="User accounts.")
index_cli = AppGroup("index", help="Search index.")
matching_cli = AppGroup("matching", help="The matcher.")


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


@catalogs_cli.command("load")
def catalogs_load():
    """Load (or update) the reference catalogues from catalogs/."""
    report = load_catalogs(None, current_app.config["CATALOG_DIR"])
    for name, counts in report.items():
        click.echo(f"{name}: {counts['created']} created, {counts['updated']} updated")


@catalogs_cli.command("export")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def catalogs_export(directory: str | None):
    """Write the curated catalogues back to catalogs/ (or DIRECTORY) in the format `load` reads."""
    target = directory or current_app.config["CATALOG_DIR"]
    for name, count in export_catalogs(target).items():
        click.echo(f"{name}: {count} entries")
    click.echo(f"written to {target}")


@catalogs_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
def catalogs_import(file: str):
    """Import a chainmatch-import/1 JSON file, all or nothing."""
    try:
        with open(file, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        _fail([f"file: cannot be read ({error.strerror})"])
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        _fail([f"file: not valid UTF-8 JSON ({error})"])
    try:
        report = import_records(None, data)
    except ImportRejected as rejected:
        _fail([*rejected.problems, f"Import rejected: {len(rejected.problems)} problem(s); nothing was written."])
    for line in report.lines():
        click.echo(line)


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the marketplace already has solutions.")
def demo_load(if_empty: bool):
    """Load the demo marketplace (catalogues first) and create demo accounts."""
    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Solution)):
        click.echo("demo data already loaded")
        return
    load_catalogs(None, current_app.config["CATALOG_DIR"])
    reports, accounts = load_demo(f"{current_app.config['CATALOG_DIR']}/demo")
    for report in reports:
        click.echo("; ".join(report.lines()))
    for email, password in accounts.items():
        click.echo(f"demo account {email} password {password}")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in UserRole]), required=True)
@click.option("--organization", "org_slug", help="Organisation slug (enterprise and provider members).")
@click.password_option()
def users_create(email: str, name: str, role: str, org_slug: str | None, password: str):
    """Create a user, e.g. an official: flask users create --role official."""
    org = None
    if org_slug:
        org = db.session.scalar(sa.select(Organization).where(Organization.slug == org_slug))
        if org is None:
            _fail([f"organization: no organisation with slug {org_slug!r}"])
    try:
        user = create_user(None, email=email, name=name, password=password, role=UserRole(role), organization=org)
    except ChainMatchError as error:
        _fail([f"{error.field or 'user'}: {error.message}"])
    click.echo(f"created {user.role.value} {user.email}")


@index_cli.command("rebuild")
def index_rebuild():
    """Rebuild the search index from the database."""
    counts = indexing.get_indexer().rebuild(progress=True)
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@index_cli.command("status")
def index_status():
    """Show index counts, the embedding model and pending outbox rows."""
    for key, value in indexing.get_indexer().status().items():
        click.echo(f"{key}: {value}")


@index_cli.command("worker")
@click.option("--interval", default=2.0, help="Seconds between polls of the outbox.")
@click.option("--once", is_flag=True, help="Drain once and exit.")
def index_worker(interval: float, once: bool):
    """Drain the indexing outbox continuously (production); fresh index entries then alert saved searches."""
    indexer = indexing.get_indexer()
    while True:
        done = indexer.drain_quietly()
        if done:
            click.echo(f"indexed {done} change(s)")
            after_indexing()
        if once:
            return
        time.sleep(interval)


def _print_results(results: list[dict]) -> None:
    click.echo(json.dumps({"results": results}, ensure_ascii=False))


@matching_cli.command("need")
@click.argument("external_id")
@click.option("--limit", default=10, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the format of IMPORT_FORMAT.md).")
def matching_need(external_id: str, limit: int, as_json: bool):
    """Match a need (by external id, or id) against the solution pool."""
    need = db.session.scalar(sa.select(Need).where(Need.external_id == external_id))
    if need is None and external_id.isdigit():
        need = db.session.get(Need, int(external_id))
    if need is None:
        _fail([f"need: no need with external_id {external_id!r}"])
    results = match_service.cli_results(match_service.match_need_results(need, limit=limit))
    _print_results(results) if as_json else _print_table(results)


@matching_cli.command("query")
@click.option("--text", required=True)
@click.option("--industry", default=None)
@click.option("--limit", default=10, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the format of IMPORT_FORMAT.md).")
def matching_query(text: str, industry: str | None, limit: int, as_json: bool):
    """Match free text (optionally within one industry) against the solution pool."""
    if not text.strip():
        _fail(["text: must not be empty"])
    try:
        results = match_service.match_text_results(text, industry=industry, limit=limit)
    except ChainMatchError as error:
        _fail([f"{error.field or 'query'}: {error.message}"])
    results = match_service.cli_results(results)
    _print_results(results) if as_json else _print_table(results)


@matching_cli.command("refresh")
def matching_refresh():
    """Recompute and store the matches of every open need (the officials' dashboard reads stored matches)."""
    needs = match_service.open_needs()
    with click.progressbar(needs, label="Matching open needs") as bar:
        for need in bar:
            match_service.refresh_matches(need)
    click.echo(f"{len(needs)} open needs matched")


@matching_cli.command("evaluate")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
@click.option("--k", default=10, help="Cut-off for nDCG and Recall.")
@click.option("--outcomes", type=click.Choice(["none", "simulated"]), default="none",
              help="Also score the provider track record, learnt from a simulated outcome log.")
def matching_evaluate(labels: str, k: int, outcomes: str):
    """Print nDCG@k, Recall@k and MRR for each retrieval method on a labels file."""
    with open(labels, encoding="utf-8") as handle:
        data = json.load(handle)
    table = match_service.evaluate_labels(data, k=k)
    click.echo(match_service.format_evaluation(table, k))
    if outcomes == "simulated":
        click.echo("\n" + match_service.format_track_record_evaluation(
            match_service.evaluate_track_record(data, k=k), k))


@matching_cli.command("tune")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False))
def matching_tune(labels: str):
    """Search ranking weights on a labels file (copy the result into matching/weights.py)."""
    with open(labels, encoding="utf-8") as handle:
        data = json.load(handle)
    for weights, score in match_service.tune_weights(data):
        click.echo(f"{score:.4f}  {weights}")


def _print_table(results: list[dict]) -> None:
    for r in results:
        click.echo(f"{r['rank']:>2}. {r['solution']}  ({r['provider']})  score {r['score']:.3f}")
        for reason in r["reasons"]:
            click.echo(f"      - {reason}")


@click.command("backup")
@click.argument("destination", type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["native", "json"]), default="native",
              help="native: SQLite's online backup of the file (SQLite only); json: portable rows (any database).")
def backup(destination: str, fmt: str):
    """Back up the database and the search index files into a new directory."""
    try:
        manifest = backup_service.backup_site(None, destination, portable=fmt == "json")
    except ChainMatchError as error:
        _fail([f"{error.field}: {error.message}"])
    click.echo(f"backup written to {destination}: {manifest['database']}, {sum(manifest['rows'].values())} rows, "
               f"{manifest['index_files']} index files")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False))
@click.option("--rebuild-index", is_flag=True, help="Rebuild the search index from the restored database.")
@click.confirmation_option(prompt="Replace this site's database and index with the backup?")
def restore(source: str, rebuild_index: bool):
    """Replace the database and the search index with a backup made by `flask backup`."""
    try:
        manifest = backup_service.restore_site(None, source)
    except ChainMatchError as error:
        _fail([f"{error.field}: {error.message}"])
    indexer = indexing.get_indexer()
    indexer.forget()  # the index files changed under it
    if rebuild_index or current_app.config["ELASTICSEARCH_URL"]:
        indexer.rebuild(progress=True)
    else:
        indexer.drain_quietly()
    click.echo(f"restored the backup of {manifest['created_at']}: {sum(manifest['rows'].values())} rows")


def init_app(app) -> None:
    """Register the command groups."""
    for group in (catalogs_cli, demo_cli, users_cli, index_cli, matching_cli, backup, restore):
        app.cli.add_command(group)
