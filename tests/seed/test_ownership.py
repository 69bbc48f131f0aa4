"""Issue 12, finding 4: the seed manages only rows it produced.

A row an admin created is never deactivated or rewritten by a re-apply; a generated row edited by
hand is set back to the model's values (the seed's contract) and reported, one NOTICE per row and
a count.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from click.testing import CliRunner

from tests.seed.catalogs import sample_catalog
from tests.seed.db import create_prerequisites, install, render_ok, run_psql, run_script
from translator.cli import main
from translator.catalog.rows import Catalog

NOTICE_ROW = re.compile(r"NOTICE:\s+report_builder\.(\w+) id=(\d+) ")
NOTICE_COUNT = re.compile(r"NOTICE:\s+seed: (\d+) row\(s\)")


def _without_metric(catalog: Catalog, key: str) -> Catalog:
    return dataclasses.replace(
        catalog,
        metrics=tuple(m for m in catalog.metrics if m.metric_key != key),
        data_source_metrics=tuple(x for x in catalog.data_source_metrics if x.metric_key != key),
        variants=tuple(v for v in catalog.variants if v.metric_key != key),
    )


def _admin_rows(pg) -> None:
    pg.execute("INSERT INTO report_builder.metrics (metric_key, display_name, sql_expression, data_type, "
               "category, aggregation_type) VALUES ('admin_metric', 'Admin', 'SUM(attempts)', 'integer', "
               "'sales', 'sum')")
    pg.execute("INSERT INTO report_builder.data_source_metrics (data_source_id, metric_id) "
               "SELECT ds.id, m.id FROM report_builder.data_sources ds, report_builder.metrics m "
               "WHERE ds.source_key = 'order_summary' AND m.metric_key = 'admin_metric'")


def _admin_state(pg) -> list[tuple]:
    return pg.execute(
        "SELECT m.xmin::text, m.is_active, x.xmin::text, x.is_active FROM report_builder.metrics m "
        "JOIN report_builder.data_source_metrics x ON x.metric_id = m.id "
        "WHERE m.metric_key = 'admin_metric'").fetchall()


def test_rows_an_admin_created_are_never_deactivated_or_rewritten(pg):
    catalog = sample_catalog()
    install(pg, catalog)
    _admin_rows(pg)
    before = _admin_state(pg)
    assert [(a, b) for _, a, _, b in before] == [(True, True)]

    smaller = _without_metric(catalog, "revenue")
    run_script(pg, render_ok(smaller)["seed_catalog.sql"])

    assert _admin_state(pg) == before  # same row versions: not even rewritten
    # ... while a row the seed produced and no longer produces is still retired
    assert pg.execute("SELECT is_active FROM report_builder.metrics WHERE metric_key = 'revenue'"
                      ).fetchone() == (False,)


def test_hand_edits_to_generated_rows_are_overwritten_and_each_is_reported(pg, pg_url):
    catalog = sample_catalog()
    files = install(pg, catalog)
    edited = pg.execute(
        "UPDATE report_builder.metrics SET description = 'edited by hand' "
        "WHERE metric_key IN ('approvals', 'attempts') RETURNING id").fetchall()
    switched_off = pg.execute(
        "UPDATE report_builder.data_source_metrics SET is_active = false WHERE id = "
        "(SELECT min(id) FROM report_builder.data_source_metrics) RETURNING id").fetchall()
    # an edit to a column the seed does not write is the admin's business: nothing to report
    pg.execute("UPDATE report_builder.dimensions SET created_at = created_at - interval '1 day'")

    result = run_psql(pg_url, files["seed_catalog.sql"])
    assert result.returncode == 0, result.stderr

    reported = sorted((t, int(i)) for t, i in NOTICE_ROW.findall(result.stderr))
    expected = sorted([("metrics", i) for (i,) in edited] + [("data_source_metrics", i) for (i,) in switched_off])
    assert reported == expected
    assert [int(n) for n in NOTICE_COUNT.findall(result.stderr)] == [len(expected)]
    descriptions = dict(pg.execute("SELECT metric_key, description FROM report_builder.metrics").fetchall())
    assert "edited by hand" not in descriptions.values()  # the contract: generated rows follow the model

    again = run_psql(pg_url, files["seed_catalog.sql"])  # nothing edited since: nothing reported
    assert again.returncode == 0 and "NOTICE" not in again.stderr, again.stderr


def test_a_row_with_a_generated_key_that_the_seed_did_not_create_is_reported(pg, pg_url):
    catalog = sample_catalog()
    install(pg, _without_metric(catalog, "revenue"))
    (admin_id,) = pg.execute(
        "INSERT INTO report_builder.metrics (metric_key, display_name, sql_expression, data_type, "
        "category, aggregation_type) VALUES ('revenue', 'Admin revenue', 'SUM(1)', 'number', 'sales', "
        "'sum') RETURNING id").fetchone()
    result = run_psql(pg_url, render_ok(catalog)["seed_catalog.sql"])
    assert result.returncode == 0, result.stderr
    assert NOTICE_ROW.findall(result.stderr) == [("metrics", str(admin_id))]


def test_diff_dsn_shows_the_rows_an_apply_would_overwrite_and_changes_nothing(pg, pg_url, tmp_path):
    root = Path(__file__).resolve().parents[2]
    output = root / "output"
    create_prerequisites(pg)
    run_script(pg, (output / "report_builder_schema.sql").read_text(encoding="utf-8"))
    run_script(pg, (output / "seed_catalog.sql").read_text(encoding="utf-8"))
    (edited,) = pg.execute("UPDATE report_builder.metrics SET display_name = 'Mine' WHERE id = "
                           "(SELECT min(id) FROM report_builder.metrics) RETURNING id").fetchone()
    before = pg.execute("SELECT xmin::text, * FROM report_builder.metrics ORDER BY id").fetchall()

    result = CliRunner().invoke(main, ["diff", "--exports", str(root / "pbix_exports"), "--out", str(output),
                                       "--dsn", pg_url, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["overwritten_rows"]
    assert [(t, int(i)) for line in rows for t, i in NOTICE_ROW.findall("NOTICE:  " + line)] == [("metrics", edited)]
    assert pg.execute("SELECT xmin::text, * FROM report_builder.metrics ORDER BY id").fetchall() == before

    bad = CliRunner().invoke(main, ["diff", "--out", str(output), "--exports", str(root / "pbix_exports"),
                                    "--dsn", "host=127.0.0.1 port=1 connect_timeout=2"])
    assert bad.exit_code == 2 and "CLI607" in bad.stderr and "Traceback" not in bad.output
