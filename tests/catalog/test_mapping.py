from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from translator.diagnostics import InputError, SourceLocation
from translator.model.mapping import Mapping
from translator.readers.mapping import load_mapping, parse_mapping

HERE = Path(__file__).parent
ERRORS = tomllib.loads((HERE / "mapping_errors.toml").read_text(encoding="utf-8"))["case"]
SAMPLE = HERE.parents[1] / "pbix_exports" / "translator.toml"


def test_missing_file_is_an_empty_mapping(tmp_path):
    assert load_mapping(tmp_path / "translator.toml")[0] == Mapping()
    assert load_mapping(None)[0] == Mapping()


def test_a_full_mapping_loads(tmp_path):
    path = tmp_path / "translator.toml"
    path.write_text(
        '[defaults]\nlookup_schema = "public"\n'
        '[categories]\n"Real Time" = "real_time"\n'
        '[sources.Products]\ninclude = true\nschema = "reporting"\n'
        '[metrics."Approval %"]\nkey = "approval_rate"\naccept_approximate = true\nsort_order = 2\n'
        '[metrics.Broken]\nsql = "SUM(approvals)"\n'
        '[dimensions.campaign_id]\nfilter_type = "search"\n'
        '[toggles."Time Period"]\nkey = "time_granularity"\n'
        '[toggles."Time Period".options]\nDaily = "day"\n',
        encoding="utf-8",
    )
    m, _ = load_mapping(path)
    assert m.path == str(path)
    assert m.lookup_schema == "public"
    assert m.category("real time") == "real_time"
    assert m.source("products").include is True and m.source("products").schema == "reporting"
    rate = m.metric("APPROVAL %")
    assert (rate.key, rate.accept_approximate, rate.sort_order, rate.line) == ("approval_rate", True, 2, 8)
    assert m.metric("Broken").sql == "SUM(approvals)"
    assert m.dimension("Campaign_ID").filter_type == "search"
    assert m.toggle("time period").option("DAILY").key == "day"
    assert m.metric("nope") is None


@pytest.mark.parametrize("case", ERRORS, ids=[c["id"] for c in ERRORS])
def test_bad_mapping_names_file_line_and_code(case):
    with pytest.raises(InputError) as caught:
        parse_mapping(case["text"], "pbix_exports/translator.toml")
    d = caught.value.diagnostic
    assert (d.code, d.location) == (case["code"], SourceLocation("pbix_exports/translator.toml", case["line"],
                                                                 d.location.column))


def test_unreadable_file_is_an_input_error(tmp_path):
    path = tmp_path / "translator.toml"
    path.write_bytes(b"\xff\xfe[")
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    assert caught.value.diagnostic.code == "CAT390"


def test_the_sample_mapping_loads():
    m, _ = load_mapping(SAMPLE)
    assert {o.key for _, o in m.toggles} == {
        "approval_mode", "date_basis", "time_granularity", "profitability_view", "retention_base", "display_mode"}
