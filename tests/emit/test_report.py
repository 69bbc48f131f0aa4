"""translation_report.md / .json: every measure once, counts that add up, safe markdown."""

from __future__ import annotations

import dataclasses
import json
import re

from hypothesis import assume, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tests.seed.catalogs import sample_catalog
from translator.catalog.rows import Catalog, Placement, ReportEntry, Status
from translator.diagnostics import SourceLocation
from translator.emit import render
from translator.emit.report import code_span, fence_for


def report(catalog: Catalog) -> tuple[str, dict]:
    files, diagnostics = render(catalog)
    assert diagnostics == []
    return files["translation_report.md"], json.loads(files["translation_report.json"])


def test_summary_counts_add_up_to_the_input():
    catalog = sample_catalog()
    _, payload = report(catalog)
    summary = payload["summary"]
    assert summary["measures"] == len(catalog.report) == 9
    assert summary["by_status"] == {"exact": 6, "approximate": 1, "untranslated": 1,
                                    "parse_error": 1, "manual": 0, "presentation": 0, "constant": 0}
    assert summary["by_placement"] == {"metric": 5, "variant": 1, "untranslated": 3}
    assert summary["catalog_rows"] == {
        "data_sources": 2, "metrics": 5, "dimensions": 3, "metric_toggles": 1,
        "metric_toggle_options": 3, "metric_variants": 2, "data_source_metrics": 9,
        "data_source_dimensions": 4, "report_templates": 0}


def test_json_lists_every_measure_with_all_fields():
    catalog = sample_catalog()
    _, payload = report(catalog)
    measures = payload["measures"]
    assert sorted((m["table"], m["measure"]) for m in measures) == sorted(
        (e.table, e.measure) for e in catalog.report)
    share = next(m for m in measures if m["measure"] == "Revenue Share")
    assert share["status"] == "approximate" and share["sql_emitted"] is False
    assert share["sql"].startswith("SUM(revenue) / NULLIF(")
    assert share["overridden_columns"] == ["Sales[campaign_id]"]
    assert [(r["code"], r["message"]) for r in share["reasons"]] == [
        ("CMP230", "ALL('Sales') treated as a window over the filtered rows")]
    assert share["location"] == "sales.pbit:22"
    assert next(m for m in measures if m["measure"] == "Approvals")["sql_emitted"] is True


def _blocks(markdown: str) -> list[tuple[str, str]]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [(t.info, t.content) for t in tokens if t.type == "fence"]


def test_markdown_has_one_section_per_measure_with_fenced_dax_and_sql():
    catalog = sample_catalog()
    markdown, _ = report(catalog)
    tokens = MarkdownIt("commonmark").parse(markdown)
    measures = next(i for i, t in enumerate(tokens) if t.type == "inline" and t.content == "Measures")
    headings = [tokens[i + 1].content for i, t in enumerate(tokens)
                if i > measures and t.type == "heading_open" and t.tag == "h3"]
    assert len(headings) == len(catalog.report)
    blocks = _blocks(markdown)
    assert sum(1 for info, _ in blocks if info == "dax") == len(catalog.report)
    assert ("sql", "SUM(revenue) / NULLIF(SUM(SUM(revenue)) OVER (), 0)\n") in blocks
    assert "Proposed SQL (approximate; not emitted" in markdown


def test_markdown_blocks_survive_backticks_and_hostile_names():
    dax = "[X] := \"```\" & \"````\"\n-- `tick`"
    entry = ReportEntry(export="e`x", table="T`able\n|x|", measure="## not a heading ```",
                        location=SourceLocation("m.bim", 3), status=Status.UNTRANSLATED,
                        placement=Placement.UNTRANSLATED,
                        metric_key=None, dax=dax, sql=None, reasons=("CMP201: ``` inside",))
    markdown, _ = report(Catalog(report=(entry,)))
    blocks = _blocks(markdown)
    assert blocks == [("dax", dax + "\n"), ("text", "CMP201: ``` inside\n")]
    tokens = MarkdownIt("commonmark").parse(markdown)
    headings = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert [tag for tag, _ in headings] == ["h1", "h2", "h2", "h3", "h2", "h2", "h3"]
    assert [name for tag, name in headings if tag == "h2"] == ["Summary", "Needs attention", "Contents", "Measures"]


def test_reports_are_sorted_and_deterministic():
    catalog = sample_catalog()
    reversed_catalog = dataclasses.replace(catalog, report=tuple(reversed(catalog.report)))
    assert render(catalog)[0] == render(reversed_catalog)[0]
    _, payload = report(catalog)
    keys = [(m["export"], m["table"], m["measure"]) for m in payload["measures"]]
    assert keys == sorted(keys)


def test_a_metrics_variants_are_listed_under_its_entry():
    catalog = sample_catalog()
    approvals = next(e for e in catalog.report if e.measure == "Approvals")
    catalog = dataclasses.replace(catalog, report=tuple(
        dataclasses.replace(e, variants=(("approval_mode", "organic", 'SUM("approvals_organic")'),))
        if e is approvals else e for e in catalog.report))
    markdown, payload = report(catalog)
    entry = next(m for m in payload["measures"] if m["measure"] == "Approvals")
    assert entry["variants"] == [{"toggle": "approval_mode", "option": "organic",
                                  "sql": 'SUM("approvals_organic")'}]
    assert ("sql", 'SUM("approvals_organic")\n') in _blocks(markdown)
    assert "Variant `approval_mode = organic`:" in markdown


def test_the_report_reads_summary_attention_contents_then_measures_with_working_links():
    catalog = sample_catalog()
    markdown, payload = report(catalog)
    tokens = MarkdownIt("commonmark").parse(markdown)
    h2 = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    assert h2 == ["Summary", "Needs attention", "Contents", "Measures"]
    attention = markdown.split("## Needs attention", 1)[1].split("\n## ", 1)[0]
    left_out = [e for e in catalog.report if e.status in ("untranslated", "parse_error")
                or e.status == "approximate" and not e.accepted]
    assert left_out
    for entry in left_out:
        assert f"'{entry.table}'[{entry.measure}]" in attention
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', markdown))
    links = re.findall(r"\]\(#([^)]+)\)", markdown)
    assert len(anchors) == len(catalog.report) and links and set(links) <= anchors
    # The table of contents links every measure once.
    contents = markdown.split("## Contents", 1)[1].split("\n## ", 1)[0]
    assert sorted(re.findall(r"\]\(#([^)]+)\)", contents)) == sorted(anchors)
    assert payload["needs_attention"]["untranslated_count"] == sum(
        1 for e in catalog.report if e.status in ("untranslated", "parse_error"))


def test_counts_have_one_definition_status_by_placement():
    _, payload = report(sample_catalog())
    summary = payload["summary"]
    cross = summary["by_status_and_placement"]
    assert {s: sum(row.values()) for s, row in cross.items()} == summary["by_status"]
    assert {p: sum(row[p] for row in cross.values()) for p in summary["by_placement"]} == summary["by_placement"]


def test_every_reason_left_to_act_on_carries_a_fix():
    _, payload = report(sample_catalog())
    for measure in payload["measures"]:
        assert all(set(r) == {"code", "message", "fix"} for r in measure["reasons"])
        if measure["status"] in ("untranslated", "parse_error"):
            assert any(r["fix"] for r in measure["reasons"]), measure["measure"]


def test_a_part_added_by_another_stage_appears_in_both_files(monkeypatch):
    from translator.emit import report as module

    monkeypatch.setattr(module, "PARTS", [
        lambda catalog: module.Part("time_intelligence", "Time intelligence",
                                    (f"{len(catalog.report)} measures looked at.",), {"count": 0}),
        lambda catalog: None,
    ])
    markdown, payload = report(sample_catalog())
    assert payload["time_intelligence"] == {"count": 0}
    assert markdown.index("## Needs attention") < markdown.index("## Time intelligence") < markdown.index("## Contents")


def test_entries_are_sorted_once_per_rendering_and_nothing_is_kept_after():
    from translator.emit import report

    catalog = sample_catalog()
    reversed_catalog = dataclasses.replace(catalog, report=tuple(reversed(catalog.report)))
    with report.entries_sorted_once(catalog):
        assert report.ordered_entries(catalog) == report.ordered_entries(reversed_catalog)
        assert report.ordered_entries(catalog) is not report.ordered_entries(catalog)  # a fresh list each time
    assert report._SORTED == []
    assert render(reversed_catalog)[0] == render(catalog)[0] and report._SORTED == []


_MARKDOWN_TEXT = st.text(alphabet="ab `\n\r\t|*", max_size=12)


@given(_MARKDOWN_TEXT)
def test_a_code_span_reads_back_as_its_text_on_one_line(text: str) -> None:
    flat = re.sub(r"[\r\n\t]+", " ", text)
    assume(flat.strip() and not (flat.startswith(" ") and flat.endswith(" ")))  # CommonMark strips those spaces
    (paragraph,) = [t for t in MarkdownIt().parseInline(code_span(text)) if t.type == "inline"]
    assert [(t.type, t.content) for t in paragraph.children] == [("code_inline", flat)]


@given(st.lists(st.sampled_from(["`", "```", "````", "a", " ", "\n"]), max_size=8).map("".join))
def test_a_fenced_block_holds_its_text_whatever_backticks_it_has(text: str) -> None:
    fence = fence_for(text)
    assert set(fence) == {"`"} and len(fence) >= 3
    (block,) = MarkdownIt().parse(f"{fence}sql\n{text}\n{fence}\n")
    assert (block.type, block.info, block.content) == ("fence", "sql", text + "\n")
