"""Issue 12, finding 2: a view name from a Power Query source never becomes SQL unless it is a
plain identifier; otherwise the table is not a data source (CAT335) until the mapping names it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from translator.cli import main

INJECTED = 'alert summary x; DELETE FROM report_builder.saved_views; --_'


def _source(item: str) -> str:
    return f'let S = Sql.Database("h", "d"), T = S{{[Schema="reporting",Item="{item}" & ClientId]}}[Data] in T'


def _model() -> dict:
    def table(name: str, item: str, measures: list[dict]) -> dict:
        return {"name": name,
                "columns": [{"name": "amount", "dataType": "double", "sourceColumn": "amount"},
                            {"name": "client_id", "dataType": "int64", "sourceColumn": "client_id"}],
                "measures": measures,
                "partitions": [{"name": "p", "source": {"type": "m", "expression": _source(item)}}]}
    return {"name": "m", "compatibilityLevel": 1567, "model": {"tables": [
        table("Sales", "sales_", [{"name": "Total", "expression": "SUM(Sales[amount])"}]),
        table("Alerts", INJECTED, []),
    ]}}


def _build(tmp_path: Path, mapping: str | None = None):
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "model.bim").write_text(json.dumps(_model()), encoding="utf-8")
    if mapping is not None:
        (exports / "translator.toml").write_text(mapping, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--exports", str(exports), "--out", str(out), "--format", "json"])
    return result, out


def test_a_view_name_that_is_not_an_identifier_never_reaches_the_seed(tmp_path):
    result, out = _build(tmp_path)
    assert result.exit_code == 0, result.output
    codes = [(d["code"], Path(d["file"]).name if d["file"] else None, d["line"])
             for d in json.loads(result.stdout)["diagnostics"]]
    assert ("CAT335", "model.bim", 1) in codes
    seed = (out / "seed_catalog.sql").read_text(encoding="utf-8")
    assert "saved_views;" not in seed and "alert summary" not in seed.lower()
    assert "'reporting.sales_{client_id}'" in seed


def test_the_mapping_can_name_the_view(tmp_path):
    result, out = _build(tmp_path, '[sources."Alerts"]\nsource_key = "alert_summary"\n')
    assert result.exit_code == 0, result.output
    assert "CAT335" not in [d["code"] for d in json.loads(result.stdout)["diagnostics"]]
    seed = (out / "seed_catalog.sql").read_text(encoding="utf-8")
    assert "'reporting.alert_summary_{client_id}'" in seed and "saved_views;" not in seed
