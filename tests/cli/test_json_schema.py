"""Every --format json payload and translation_report.json validate against the one versioned
JSON Schema in docs/translator.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from tests.cli.sample import copy_sample
from translator.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "translator.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _valid(document: dict, kind: str) -> dict:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    VALIDATOR.validate(document)
    assert document["schema_version"] == 1 and document["kind"] == kind
    return document


def _json(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "pbix_exports")


def test_build_check_diff_and_the_report_validate(exports: Path, tmp_path: Path) -> None:
    out = tmp_path / "output"
    code, build = _json("build", "--exports", str(exports), "--out", str(out))
    assert code == 0
    _valid(build, "build")
    report = _valid(json.loads((out / "translation_report.json").read_text(encoding="utf-8")),
                    "translation_report")
    assert all(isinstance(r, dict) for m in report["measures"] for r in m["reasons"])
    _valid(_json("check", "--exports", str(exports), "--out", str(out))[1], "check")
    _valid(_json("diff", "--exports", str(exports), "--out", str(out))[1], "diff")


def test_the_committed_report_validates() -> None:
    _valid(json.loads((ROOT / "output" / "translation_report.json").read_text(encoding="utf-8")),
           "translation_report")


def test_explain_and_errors_validate(tmp_path: Path) -> None:
    sample = str(ROOT / "pbix_exports")
    _valid(_json("explain", "SUM('Order Summary'[approvals])", "--exports", sample)[1], "explain")
    _valid(_json("explain", "SAMEPERIODLASTYEAR('Date'[Date])", "--exports", sample)[1], "explain")
    for args in (["build", "--exports", str(tmp_path / "missing")],
                 ["explain", "SUM(", "--exports", str(tmp_path / "missing")],
                 ["diff", "--exports", str(tmp_path / "missing")]):
        code, payload = _json(*args)
        assert code == 2
        _valid(payload, "error")


def test_a_payload_missing_a_required_key_is_rejected() -> None:
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate({"schema_version": 1, "kind": "check", "out": "output", "stale": []})
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate({"schema_version": 2, "kind": "check", "out": "o", "up_to_date": True, "stale": []})
