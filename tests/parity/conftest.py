"""The sample asked end to end without Power BI: the question folder from the sample, the sample's
generated rows in PostgreSQL (as the reporting views) and in pandas, and the reference evaluator
answering the DAX query texts in the Execute Queries shape."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.conftest import ROOT
from tests.pgserver import create_database
from translator.parity.manifest import write_queries
from translator.parity.reference import answer_folder
from translator.pipeline import plan
from translator.verify.run import generate_world, load_views

SAMPLE = ROOT / "pbix_exports"
ROWS = 30

# Metrics whose every query is answered by the reference in the end-to-end test: plain sums and
# counts, a ratio of derived components, slicer toggles (with variants and through components),
# a Display Mode switch, a distinct count, several views, a numeric what-if parameter and an
# Enter-data slicer. Chosen by hand to cover the shapes;
# the whole manifest is generated and checked for form in test_queries.py.
METRICS = ("approvals", "approval_rate", "alert_display", "active_campaigns", "revenue",
           "refund_rate", "chargebacks", "revenue_target",
           "revenue_selected_basis")


@dataclass(frozen=True)
class Sample:
    folder: Path  # the question folder
    dsn: str  # a database holding the sample's generated rows as reporting views, client 1
    parsed: object
    frames: dict
    manifest: dict


@pytest.fixture(scope="session")
def parity_sample(pg_server, tmp_path_factory) -> Sample:
    folder = tmp_path_factory.mktemp("parity") / "queries"
    write_queries(SAMPLE, folder)
    planned = plan(SAMPLE)
    world = generate_world(planned.catalog, planned.compiled, planned.parsed, planned.mapping_file, ROWS, 7)
    dsn = create_database(pg_server)
    parsed = planned.parsed[0]
    frames = world.frames[planned.compiled[0].export]  # the model's tables; each view holds its table's rows
    with psycopg.connect(dsn, autocommit=True) as conn:
        load_views(conn, world)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return Sample(folder, dsn, parsed, frames, manifest)


def subset(sample: Sample, metrics: tuple[str, ...], dest: Path) -> Path:
    """A copy of the question folder holding only the queries of `metrics`."""
    dest.mkdir(parents=True, exist_ok=True)
    manifest = dict(sample.manifest)
    manifest["queries"] = [q for q in sample.manifest["queries"] if q["metric_key"] in metrics]
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for query in manifest["queries"]:
        (dest / f"{query['id']}.dax").write_text(query["dax"], encoding="utf-8")
    return dest


@dataclass(frozen=True)
class Answered:
    sample: Sample
    folder: Path  # the question folder, METRICS only
    results: Path  # the reference evaluator's answers, one <id>.json per query


@pytest.fixture(scope="session")
def answered(parity_sample, tmp_path_factory) -> Answered:
    root = tmp_path_factory.mktemp("answered")
    folder = subset(parity_sample, METRICS, root / "queries")
    results = root / "results"
    answer_folder(folder, parity_sample.parsed, parity_sample.frames, results)
    return Answered(parity_sample, folder, results)
