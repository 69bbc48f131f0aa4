"""The whole pipeline on the committed sample model (pbix_exports/): its seed runs on PostgreSQL,
reads back as the catalog, and a second apply through psql changes nothing."""

from __future__ import annotations

from tests.conftest import ROOT
from tests.seed.db import (
    active_catalog,
    create_prerequisites,
    expected_catalog,
    run_psql,
    run_script,
    snapshot,
)
from translator.diagnostics.render import human
from translator.pipeline import plan


def test_sample_model_seed_applies_and_reapplies_as_a_no_op(pg, pg_url):
    built = plan(ROOT / "pbix_exports")
    assert built.ok, [human(d) for d in built.diagnostics if d.code.startswith("EMT")]
    assert len(built.catalog.metrics) > 50  # the sample has ~100 metrics: a real workload
    create_prerequisites(pg)
    run_script(pg, built.files["report_builder_schema.sql"])
    run_script(pg, built.files["seed_catalog.sql"])
    assert active_catalog(pg) == expected_catalog(built.catalog)
    before = snapshot(pg)
    result = run_psql(pg_url, built.files["seed_catalog.sql"])
    assert result.returncode == 0, result.stderr
    assert snapshot(pg) == before
