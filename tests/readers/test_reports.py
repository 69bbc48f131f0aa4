"""Report readers (issue 14): PBIR, legacy report.json, the Layout of .pbix/.pbit and pbi-tools
Report/ folders. Round trips: a layout written in each format reads back as the same layout."""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.readers.helpers import SHARED_PBIX
from tests.readers.test_never_a_traceback import _paths, json_values
from tests.readers import report_writers as w
from translator.catalog.rows import Catalog
from translator.catalog.templates import build_templates
from translator.catalog.toggles import ToggleKeys
from translator.diagnostics import InputError
from translator.model.mapping import Mapping
from translator.model.layout import (
    FieldKind, FieldRef, Filter, Page, Position, Projection, ReportFormat, ReportLayout, Sort, Visual,
)
from translator.readers.report import read_report, read_reports

M = FieldKind.MEASURE
C = FieldKind.COLUMN


def visual(name: str, visual_type: str | None, *fields: tuple[str, FieldRef], **extra) -> Visual:
    return Visual(name, visual_type, Position(10.5, 20, 300, 150.25, 1000),
                  tuple(Projection(role, f) for role, f in fields), **extra)


EVERYTHING = ReportLayout(
    name="Shop", export="Shop.Report", format=ReportFormat.PBIR, model="Model.SemanticModel",
    filters=(Filter(FieldRef(C, "Sales", "region"), "not_in", ("North", "O'Brien")),),
    pages=(
        Page("p1", "Overview", 0, 1280, 720, filters=(Filter(FieldRef(C, "Sales", "year"), "ge", ("2020",)),),
             visuals=(
                 visual("card", "card", ("Values", FieldRef(M, "Sales", "Revenue")), title="Revenue"),
                 visual("chart", "clusteredColumnChart", ("Category", FieldRef(C, "Date", "Date")),
                        ("Y", FieldRef(M, "Sales", "Revenue")), ("Y", FieldRef(M, "Sales", "Orders")),
                        sort=(Sort(FieldRef(M, "Sales", "Revenue"), True),),
                        filters=(Filter(FieldRef(C, "Product", "name"), "top_n", (), 5),)),
                 visual("table", "tableEx", ("Values", FieldRef(C, "Product", "name")),
                        ("Values", FieldRef(FieldKind.AGGREGATION, "Sales", "amount", "sum")),
                        ("Values", FieldRef(FieldKind.HIERARCHY_LEVEL, "Date", "Year")),
                        filters=(Filter(FieldRef(C, "Sales", "channel"), "in", ("web", "store")),
                                 Filter(FieldRef(C, "Sales", "qty"), "ne", ("0",)))),
                 visual("grp", None, title="KPIs"),
                 visual("inner", "card", ("Values", FieldRef(M, "Sales", "Orders")), group="grp"),
                 visual("note", "textbox", text="Line one\nLine two"),
                 visual("secret", "card", ("Values", FieldRef(M, "Sales", "Orders")), is_hidden=True),
                 visual("pic", "image"),
             )),
        Page("p2", "Hidden Drill", 1, 1280, 720, is_hidden=True,
             visuals=(visual("t2", "tableEx", ("Values", FieldRef(C, "Sales", "order_id"))),)),
        Page("p3", "Tip", 2, 320, 240, is_tooltip=True),
    ),
)


def comparable(layout: ReportLayout) -> tuple:
    """What every format carries: pages, visuals and filters, without file locations. Visuals are
    compared by name: PBIR keeps one folder per visual, so their order is the folders' order."""
    pages = tuple(replace(p, location=None, visuals=tuple(sorted((replace(v, location=None) for v in p.visuals),
                                                                 key=lambda v: v.name)))
                  for p in layout.pages)
    return layout.name, layout.filters, pages


WRITERS = {
    "pbir": (lambda layout, tmp: w.write_pbir(layout, tmp), ReportFormat.PBIR),
    "report.json": (lambda layout, tmp: w.write_report_json(layout, tmp), ReportFormat.REPORT_JSON),
    "pbix": (lambda layout, tmp: w.write_layout_archive(layout, tmp / f"{layout.name}.pbix"), ReportFormat.PBIX),
    "pbit": (lambda layout, tmp: w.write_layout_archive(layout, tmp / f"{layout.name}.pbit"), ReportFormat.PBIT),
    "pbi-tools": (lambda layout, tmp: w.write_pbi_tools(layout, tmp / layout.name), ReportFormat.PBI_TOOLS),
}


@pytest.mark.parametrize("kind", WRITERS)
def test_every_format_round_trips_a_layout_with_every_feature(kind, tmp_path):
    write, expected_format = WRITERS[kind]
    path = write(EVERYTHING, tmp_path)
    again = read_report(path, tmp_path)
    assert again is not None and again.format is expected_format
    assert comparable(again) == comparable(EVERYTHING)


@pytest.mark.parametrize("kind", WRITERS)
def test_the_sample_report_round_trips_through_every_format(kind, tmp_path):
    sample = read_report(ROOT / "pbix_exports" / "BeastInsights.Report", ROOT / "pbix_exports")
    assert sample is not None and len(sample.pages) == 13
    write, _ = WRITERS[kind]
    again = read_report(write(sample, tmp_path), tmp_path)
    assert comparable(again) == comparable(sample)


def test_a_report_by_path_is_bound_to_its_model_and_a_remote_one_is_not(tmp_path):
    (tmp_path / "Model.SemanticModel").mkdir()
    w.write_pbir(EVERYTHING, tmp_path)
    remote = w.write_pbir(replace(EVERYTHING, name="Remote"), tmp_path)
    (remote / "definition.pbir").write_text(json.dumps(
        {"version": "4.0", "datasetReference": {"byConnection": {"connectionString": "Data Source=pbiazure://x"}}}))
    reports, _ = read_reports(tmp_path, ["Model.SemanticModel"])
    assert [(r.export, r.model) for r in reports] == [("Remote.Report", None), ("Shop.Report", "Model.SemanticModel")]
    assert reports[0].model_reference == "Data Source=pbiazure://x"


def test_page_order_comes_from_pages_json(tmp_path):
    layout = replace(EVERYTHING, pages=tuple(replace(p, ordinal=n) for n, p in
                                             zip((2, 0, 1), EVERYTHING.pages)))
    again = read_report(w.write_pbir(layout, tmp_path), tmp_path)
    assert [p.name for p in again.pages] == ["p2", "p3", "p1"]


def test_broken_visual_json_stops_with_the_file_named(tmp_path):
    folder = w.write_pbir(EVERYTHING, tmp_path)
    broken = folder / "definition" / "pages" / "p1" / "visuals" / "card" / "visual.json"
    broken.write_text('{"name": "card",\n  "visual": }', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_report(folder, tmp_path)
    assert caught.value.diagnostic.code == "RDR405"
    assert caught.value.diagnostic.location.file == "Shop.Report/definition/pages/p1/visuals/card/visual.json"
    assert caught.value.diagnostic.location.line == 2


def test_corrupt_archive_stops_cleanly(tmp_path):
    path = tmp_path / "Broken.pbix"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError) as caught:
        read_report(path, tmp_path)
    assert caught.value.diagnostic.code == "RDR406"


def test_an_archive_without_layout_has_no_report(tmp_path):
    path = tmp_path / "Model.pbit"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("DataModelSchema", "{}".encode("utf-16-le"))
    assert read_report(path, tmp_path) is None


@pytest.mark.parametrize("name", sorted(p.name for p in SHARED_PBIX.glob("*.pbix")))
def test_the_shared_pbix_fixtures_layouts_read(name):
    """Real files saved by Power BI Desktop: every page and visual container is read."""
    path = SHARED_PBIX / name
    layout = read_report(path, path.parent)
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("Report/Layout").decode("utf-16-le"))
    assert [p.display_name for p in layout.pages] == [s["displayName"] for s in
                                                     sorted(document["sections"], key=lambda s: s["ordinal"])]
    assert sum(len(p.visuals) for p in layout.pages) == sum(len(s["visualContainers"]) for s in document["sections"])


# Any JSON value, NaN and infinities included (json.loads reads them in a Layout).
_json_values = json_values | st.sampled_from([float("nan"), float("inf")])


def _expanded(document):
    """The legacy document with its JSON-in-strings parsed, so damage can reach inside them."""
    copy = json.loads(json.dumps(document))
    for section in copy["sections"]:
        for key in ("config", "filters"):
            section[key] = json.loads(section[key])
        for container in section["visualContainers"]:
            for key in ("config", "filters"):
                container[key] = json.loads(container[key])
    return copy


LEGACY = _expanded(w.legacy_document(EVERYTHING))
LEGACY_PATHS = [p for p in _paths(LEGACY) if p]


@given(st.sampled_from(LEGACY_PATHS), _json_values, st.booleans())
def test_a_damaged_layout_reads_or_stops_cleanly_and_still_builds_templates(path, value, as_strings):
    document = json.loads(json.dumps(LEGACY))
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    if as_strings:  # as Power BI writes it: config and filters as JSON in strings
        for section in document.get("sections", []) if isinstance(document.get("sections"), list) else []:
            if isinstance(section, dict):
                for container in section.get("visualContainers", []) if isinstance(section.get("visualContainers"), list) else []:
                    if isinstance(container, dict):
                        for key in ("config", "filters"):
                            container[key] = json.dumps(container.get(key))
    with tempfile.TemporaryDirectory() as tmp:
        path_ = Path(tmp) / "Damaged.pbix"
        with zipfile.ZipFile(path_, "w") as archive:
            archive.writestr("Report/Layout", json.dumps(document).encode("utf-16-le"))
        try:
            layout = read_report(path_, Path(tmp))
        except InputError as error:
            assert error.diagnostic.code.startswith("RDR")
            return
    templates, pages, _ = build_templates([layout], Catalog(), [], [], ToggleKeys({}, {}), Mapping())
    assert len(pages) == len(layout.pages)


def test_a_comparison_kind_that_is_not_a_number_is_an_other_filter():
    # found by the property above: a list as ComparisonKind raised TypeError (unhashable)
    from translator.readers.report_formats import _condition

    found = _condition({"Comparison": {"ComparisonKind": [1], "Right": {"Literal": {"Value": "1L"}}}}, {})
    assert (found.field, found.operator) == (None, "other")
