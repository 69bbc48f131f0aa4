from __future__ import annotations

import pytest

from tests.seed.db import create_prerequisites, render_ok, run_script
from translator.catalog.rows import Catalog


@pytest.fixture
def schema_db(pg, pg_url):
    """A fresh database with the beast_insights_v2 prerequisites and the report_builder schema."""
    create_prerequisites(pg)
    run_script(pg, render_ok(Catalog())["report_builder_schema.sql"])
    return pg, pg_url
