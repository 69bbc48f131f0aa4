"""sort_order is sticky: a rebuild into the same output folder keeps the numbers it seeded, so
removing a measure renumbers no other row and a new one comes after its category (issue 16)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.sample import copy_sample, edit_measure_file
from translator.catalog.order import Place, sort_orders
from translator.cli import main

ORDER_SUMMARY = "Order Summary.tmdl"
STRAIGHT_SALE = (
    "\t/// Approved one-time (non-subscription) sales.\n"
    "\tmeasure 'Straight Sale Approvals' = CALCULATE([Total Approvals], 'Order Summary'[sales_type] = \"Straight Sale\")\n"
    "\t\tformatString: #,##0\n"
    "\t\tdisplayFolder: Sales\\Approvals\n"
    "\t\tlineageTag: d8c15128-3d8d-58f6-9f06-becaa5dd9128\n"
    "\n"
)
# A new measure placed early in the file, in the same folder as its neighbours.
REFUND_FREE = (
    "\tmeasure 'Refund-Free Approvals' = DIVIDE([Total Approvals], 2)\n"
    "\t\tformatString: #,##0\n"
    "\t\tdisplayFolder: Sales\\Approvals\n"
    "\t\tlineageTag: 0b7f1f0e-3c55-4a38-9a57-2f4b0c1d6e01\n"
    "\n"
)


def _build(exports: Path, out: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--exports", str(exports), "--out", str(out)])
    assert result.exit_code == 0, result.output


def _rows(out: Path, table: str) -> list[dict[str, object]]:
    return json.loads((out / "translation_report.json").read_text(encoding="utf-8"))["catalog"][table]


def _metric_orders(out: Path) -> dict[str, tuple[object, object]]:
    return {str(m["metric_key"]): (m["category"], m["sort_order"]) for m in _rows(out, "metrics")}


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    exports = copy_sample(tmp_path / "pbix_exports")
    out = tmp_path / "output"
    _build(exports, out)
    return exports, out


def test_deleting_a_measure_renumbers_no_other_metric(built: tuple[Path, Path]) -> None:
    exports, out = built
    before = _metric_orders(out)
    assert before["straight_sale_approvals"][0] == "sales"
    later = [k for k, (c, n) in before.items() if c == "sales" and n > before["straight_sale_approvals"][1]]
    assert later  # the old numbering would have moved these down
    edit_measure_file(exports, ORDER_SUMMARY, STRAIGHT_SALE, "")
    _build(exports, out)
    after = _metric_orders(out)
    assert "straight_sale_approvals" not in after
    assert after == {k: v for k, v in before.items() if k != "straight_sale_approvals"}
    check = CliRunner().invoke(main, ["check", "--exports", str(exports), "--out", str(out)])
    assert check.exit_code == 0, check.output


def test_an_added_measure_comes_after_its_category_and_moves_nothing(built: tuple[Path, Path]) -> None:
    exports, out = built
    before = _metric_orders(out)
    edit_measure_file(exports, ORDER_SUMMARY, STRAIGHT_SALE, REFUND_FREE + STRAIGHT_SALE)
    _build(exports, out)
    after = _metric_orders(out)
    added = after.pop("refund_free_approvals")
    assert after == before
    assert added == ("sales", max(n for c, n in before.values() if c == "sales") + 1)


def test_a_pinned_sort_order_wins_over_the_kept_number(built: tuple[Path, Path]) -> None:
    exports, out = built
    before = _metric_orders(out)
    mapping = exports / "translator.toml"
    text = mapping.read_text(encoding="utf-8")
    assert text.count('key = "revenue"\n') == 1
    mapping.write_text(text.replace('key = "revenue"\n', 'key = "revenue"\nsort_order = 40\n'), encoding="utf-8")
    _build(exports, out)
    after = _metric_orders(out)
    assert after.pop("revenue") == (before["revenue"][0], 40)
    assert after == {k: v for k, v in before.items() if k != "revenue"}


def test_a_fresh_folder_is_numbered_densely_in_model_order(built: tuple[Path, Path], tmp_path: Path) -> None:
    exports, _ = built
    edit_measure_file(exports, ORDER_SUMMARY, STRAIGHT_SALE, "")
    fresh = tmp_path / "fresh"
    _build(exports, fresh)
    groups: dict[object, list[object]] = defaultdict(list)
    for row in _rows(fresh, "metrics"):
        groups[("metrics", row["category"])].append(row["sort_order"])
    for row in _rows(fresh, "dimensions"):
        groups["dimensions"].append(row["sort_order"])
    for row in _rows(fresh, "metric_toggle_options"):
        groups[("options", row["toggle_key"])].append(row["sort_order"])
    for group, numbers in groups.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), group
    # model order: the measures of Sales\Approvals in the order the TMDL file lists them
    orders = _metric_orders(fresh)
    assert orders["approvals"][1] < orders["initial_approvals"][1] < orders["rebill_approvals"][1] < orders["approval_rate"][1]


def test_builds_are_byte_identical(built: tuple[Path, Path], tmp_path: Path) -> None:
    exports, out = built
    first = _files(out)
    _build(exports, out)  # over its own output: a fixed point
    assert _files(out) == first
    again = tmp_path / "again"
    _build(exports, again)
    assert _files(again) == first


def test_sort_orders_keep_pin_and_continue_after_the_group() -> None:
    previous = {("a", "x"): 3, ("a", "y"): 7, ("b", "z"): 1}
    places = [Place("a", ("a", "new1")), Place("a", ("a", "y")), Place("a", ("a", "x"), pinned=9),
              Place("a", ("a", "new2")), Place("c", ("c", "p")), Place("c", ("c", "q"), pinned=5),
              Place("c", ("c", "r"))]
    assert sort_orders(places, previous) == [10, 7, 9, 11, 1, 5, 3]
    assert sort_orders(places, None) == [1, 2, 9, 4, 1, 5, 3]


def test_a_cached_build_keeps_the_numbers_of_the_folder_it_replaces(
        built: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build cache (where there is one) must key on the previous output's numbers too: putting
    a deleted measure back must not bring back the first build's numbering."""
    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(tmp_path / "cache"))
    exports, out = built
    _build(exports, out)  # the sample's build as a cache entry
    edit_measure_file(exports, ORDER_SUMMARY, STRAIGHT_SALE, "")
    _build(exports, out)
    without = _metric_orders(out)
    anchor = "\t/// Approvals divided by attempts.\n"
    edit_measure_file(exports, ORDER_SUMMARY, anchor, STRAIGHT_SALE + anchor)  # put it back
    _build(exports, out)
    after = _metric_orders(out)
    restored = after.pop("straight_sale_approvals")
    assert after == without
    assert restored == ("sales", max(n for c, n in without.values() if c == "sales") + 1)
    check = CliRunner().invoke(main, ["check", "--exports", str(exports), "--out", str(out)])
    assert check.exit_code == 0, check.output
