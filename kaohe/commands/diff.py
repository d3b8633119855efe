"""`kaohe diff OLD NEW` / `kaohe diff --org NAME --years Y1 Y2`: what changed between two stored documents."""

from __future__ import annotations

import click

from kaohe.options import db_option


@click.command(name="diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--org", "organization", metavar="NAME", help="Organization (exact, or a unique part of it).")
@click.option(
    "--years",
    nargs=2,
    type=int,
    metavar="OLD_YEAR NEW_YEAR",
    default=None,
    help="With --org: the two years to compare.",
)
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the differences as one JSON object.")
def command(
    old: str | None,
    new: str | None,
    organization: str | None,
    years: tuple[int, int] | None,
    db_url: str,
    as_json: bool,
) -> None:
    """Compare two stored documents: indicators renamed, added, removed or changed, and scoring clauses.

    OLD and NEW are documents.id numbers or source paths as ingested; or give --org NAME
    --years OLD_YEAR NEW_YEAR to pick an organization's documents of two years (where a year has
    one document in several forms, a DOCX and its PDF, the DOCX is read and a note says so; a
    note also warns when the two documents are of different organizations). Indicators pair
    by path (names compared ignoring whitespace, punctuation and numbering), then as renamed when
    their names are at least 60% similar. Exit status 1 when a document cannot be found.
    """
    from analyst.diff_load import DiffLookupError, load_pair
    from analyst.diff_match import diff_documents
    from analyst.diff_render import diff_to_json, render_text

    if not years:  # an unused nargs=2 option: None, or () on some click versions
        years = None
    by_refs = old is not None or new is not None
    if by_refs and (organization is not None or years is not None):
        raise click.UsageError("give either OLD and NEW, or --org NAME --years OLD_YEAR NEW_YEAR, not both")
    if by_refs and (old is None or new is None):
        raise click.UsageError("give both OLD and NEW")
    if not by_refs and (organization is None or years is None):
        raise click.UsageError("give OLD and NEW, or --org NAME --years OLD_YEAR NEW_YEAR")

    try:
        if by_refs:
            assert old is not None and new is not None
            pair = load_pair(db_url, refs=(old, new))
        else:
            pair = load_pair(db_url, organization=organization, years=years)
    except DiffLookupError as exc:
        raise click.ClickException(str(exc)) from exc
    for note in pair.notes:  # on stderr: --json output stays one JSON object
        click.echo(f"note: {note}", err=True)
    diff = diff_documents(pair.old, pair.new)
    click.echo(diff_to_json(diff) if as_json else render_text(diff))
