"""Metrics (section 4.2), their variants (4.8) and data_source_metrics (4.4), and where every
input measure is placed: a metric, a variant of one, or the untranslated list."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers
from sqlglot.optimizer.qualify_columns import quote_identifiers

from translator.catalog import links as links_module, rules
from translator.catalog.diagnostics import (
    CAT_APPROXIMATE, CAT_CALCULATED_COLUMN, CAT_COMPONENT, CAT_MANUAL, CAT_MAPPING_UNUSED, CAT_METRIC_KEY, CAT_NO_FOLDER,
    CAT_NO_SOURCE, CAT_NO_TRANSLATION, CAT_NOT_TRANSLATED, CAT_UNKNOWN_FOLDER, CAT_VARIANT_SAME,
    CAT_KEY_SHORTENED, CAT_MANUAL_SQL, CAT_NAME_SHORTENED, CAT_UNKNOWN_CATEGORY, CAT_VARIANT_TARGET, at, did_you_mean, reason,
)
from translator.catalog.order import NO_PREVIOUS, Place, PreviousOrder, sort_orders
from translator.catalog.invariants import MetricTrees, measure_problems
from translator.catalog.naming import KEY_LENGTH, NAME_LENGTH, fit_key, fit_name, snake_case, unique_key
from translator.catalog.rows import (
    DataSource,
    DataSourceMetric,
    Metric,
    MetricVariant,
    Placement,
    ReportEntry,
    Status,
)
from translator.catalog.sources import ModelSource
from translator.catalog.sql import column_names, formula_sql, to_sql
from translator.catalog.subjects import describe
from translator.catalog.toggles import ToggleKeys
from translator.compile.compiled import Kind
from translator.compile.translation import CompiledModel, Translation
from translator.compile.translation import Status as Compiled
from translator.diagnostics import Diagnostic, report
from translator.dialect import TARGET
from translator.functions import Aggregation
from translator.model.mapping import Mapping, MetricOverride
from translator.model.semantic import Measure



@dataclass(slots=True, eq=False)
class _Item:
    """One input measure on its way to the catalog."""

    export: str
    measure: Measure
    translation: Translation | None
    override: MetricOverride | None
    status: Status
    placement: Placement = Placement.UNTRANSLATED
    metric_key: str | None = None
    sql: str | None = None  # the default SQL text, when there is one
    manual: exp.Expression | None = None
    parent: _Item | None = None  # for a toggle branch placed as a variant: the metric it belongs to
    shared: bool = False  # the same metric as an earlier export's measure (same key, same SQL)
    reasons: list[Diagnostic] = field(default_factory=list)
    reads: tuple[str, ...] | None = None  # the physical columns it reads (`_reads`), once found

    @property
    def name(self) -> str:
        return self.measure.name

    @property
    def ident(self) -> tuple[str, str]:
        return self.export, self.measure.name.casefold()


@dataclass(frozen=True, slots=True)
class MetricsResult:
    metrics: list[Metric]
    links: list[DataSourceMetric]
    variants: list[MetricVariant]
    report: list[ReportEntry]


def build_metrics(
    compiled: Sequence[CompiledModel],
    mapping: Mapping,
    sources: Sequence[DataSource],
    toggles: ToggleKeys,
    model_sources: Sequence[ModelSource] = (),
    offered: dict[str, dict[str, str]] | None = None,
    previous: PreviousOrder = NO_PREVIOUS,
    offered_lookups: dict[str, dict[tuple[str, str], str]] | None = None,
) -> tuple[MetricsResult, list[Diagnostic]]:
    """`offered`: per source key, the dimensions offered there (folded view column -> key);
    `offered_lookups`: the lookup dimensions among them ((key column, shown column) -> key)."""
    items = _items(compiled, mapping)
    by_ident = {item.ident: item for item in items}
    sides = links_module.relationship_sides(compiled)
    indexed = links_module.SourceIndex.of(model_sources)
    placements = {id(item): _placement(item, by_ident, mapping, indexed, sides)
                  for item in items if item.sql is not None}
    _approximate_overrides(items, placements, offered or {}, offered_lookups or {})
    _choose_metrics(items, by_ident, _calculated_columns(compiled, sources))
    _place_branch_measures(items, by_ident)
    _assign_keys([i for i in items if i.placement == Placement.METRIC])
    # A measure whose rows break an invariant (catalog/invariants.py) is untranslated; the
    # measures built on it follow (CAT305). Until nothing more fails: each round drops at least one.
    while True:
        made = _make_rows(items, by_ident, mapping, toggles, placements, previous)
        if not made.failed:
            break
        failed = {item.ident for item, _ in made.failed}
        for item, problems in made.failed:
            # A derived metric failing beside its component waits: the component may be the cause.
            if not any((item.export, c.casefold()) in failed for c in _component_names(item)):
                _refuse(item, made.reasons.get(id(item), []) + problems, items)
        _drop_unplaced_components(items, by_ident)
        for branch in items:
            if branch.parent is not None and branch.parent.placement != Placement.METRIC:
                branch.placement, branch.parent = Placement.UNTRANSLATED, None

    for item in items:
        item.reasons += made.reasons.get(id(item), [])
        if item.parent is not None:
            item.metric_key = item.parent.metric_key
    diagnostics = list(made.diagnostics)
    for item in items:
        diagnostics += [d for d in item.reasons if d.code != CAT_NOT_TRANSLATED]
    diagnostics += _unused_overrides(items, mapping)
    variants = made.variants
    by_metric: dict[str, list[MetricVariant]] = {}
    for variant in sorted(variants.values(), key=lambda v: (v.toggle_key, v.option_key)):
        by_metric.setdefault(variant.metric_key, []).append(variant)
    return MetricsResult(
        metrics=sorted(made.metrics, key=lambda m: m.metric_key),
        links=sorted(made.links, key=lambda link: (link.source_key, link.metric_key)),
        variants=sorted(variants.values(), key=lambda v: (v.metric_key, v.toggle_key, v.option_key)),
        report=sorted((_entry(item, by_metric) for item in items),
                      key=lambda e: (e.export, e.table.casefold(), e.measure.casefold())),
    ), diagnostics


@dataclass(slots=True)
class _Rows:
    metrics: list[Metric] = field(default_factory=list)
    links: set[DataSourceMetric] = field(default_factory=set)
    variants: dict[tuple[str, str, str], MetricVariant] = field(default_factory=dict)
    reasons: dict[int, list[Diagnostic]] = field(default_factory=dict)  # id(item) -> reasons
    diagnostics: list[Diagnostic] = field(default_factory=list)  # not about one measure
    failed: list[tuple[_Item, list[Diagnostic]]] = field(default_factory=list)


def _make_rows(items: list[_Item], by_ident: dict[tuple[str, str], _Item], mapping: Mapping,
               toggles: ToggleKeys, placements: dict[int, links_module.Placement],
               previous: PreviousOrder) -> _Rows:
    made = _Rows()
    owners = _owners(items)
    category_of, made.diagnostics = _categories(owners, mapping)
    sort_orders = _sort_orders(owners, category_of, previous)
    metric_keys = frozenset(i.metric_key for i in owners if i.metric_key is not None)
    for item in owners:
        reasons = made.reasons.setdefault(id(item), [])
        metric, formula = _metric_row(item, by_ident, category_of[id(item)], sort_orders[id(item)], reasons)
        linked = placements[id(item)].sources
        reasons.extend(placements[id(item)].reasons)
        variant_rows = _variant_rows(item, metric, toggles, reasons)
        allowed = frozenset.intersection(*(frozenset(s.columns) for s in linked)) if linked else None
        trees = MetricTrees(
            sql=item.manual if item.manual is not None else item.translation.sql,
            derived_formula=formula,
            variants=tuple(tree for _, tree in variant_rows),
        )
        problems = measure_problems(metric, [row for row, _ in variant_rows],
                                    describe(item.measure.table, item.name, item.export),
                                    item.measure.location, allowed, metric_keys, trees)
        if problems:
            made.failed.append((item, problems))
            continue
        made.metrics.append(metric)
        for variant, _ in variant_rows:
            made.variants.setdefault((variant.metric_key, variant.toggle_key, variant.option_key), variant)

    made_keys = {m.metric_key for m in made.metrics}
    owner_ids = {id(item) for item in owners}
    for item in items:
        if item.placement == Placement.METRIC and item.metric_key in made_keys:
            placement = placements[id(item)]
            if id(item) not in owner_ids:  # the same metric in another export: its own views
                made.reasons.setdefault(id(item), []).extend(placement.reasons)
            made.links.update(DataSourceMetric(s.source_key, item.metric_key) for s in placement.sources)
    return made


def _component_names(item: _Item) -> tuple[str, ...]:
    if item.translation is None or item.manual is not None:
        return ()
    return item.translation.components


def _refuse(item: _Item, problems: list[Diagnostic], items: list[_Item]) -> None:
    """`item`'s rows break an invariant: it is untranslated, and so are the measures that would
    only have been seeded through it (the same metric in another export, its toggle branches)."""
    key = item.metric_key
    item.placement = Placement.UNTRANSLATED
    item.metric_key = None
    item.reasons += problems
    for other in items:
        if other.shared and other.metric_key == key and other.placement == Placement.METRIC:
            other.placement, other.metric_key, other.shared = Placement.UNTRANSLATED, None, False
            other.reasons.append(report(CAT_COMPONENT, f"'{other.name}' is the metric of '{item.name}' in "
                                        "another export, which is not in the catalog", other.measure.location))


# ------------------------------------------------------------------ placement

_STATUS = {status: Status(status.value) for status in Compiled}  # the compiler's status -> the catalog's
_NO_OVERRIDE = MetricOverride()  # a measure the mapping does not name (made once: a frozen row of 13 fields)


def _items(compiled: Sequence[CompiledModel], mapping: Mapping) -> list[_Item]:
    items = []
    for model in compiled:
        translations = {(t.measure.table.casefold(), t.measure.name.casefold()): t for t in model.translations}
        for measure in model.model.measures:
            translation = translations.get((measure.table.casefold(), measure.name.casefold()))
            override = mapping.metric(measure.name)
            item = _Item(model.export, measure, translation, override,
                         _STATUS[translation.status] if translation else Status.UNTRANSLATED)
            if translation is None:
                item.reasons.append(report(CAT_NO_TRANSLATION, f"the compiler returned no translation for '{measure.name}'",
                                           measure.location))
            if translation is not None and translation.sql is not None:
                item.sql = to_sql(translation.sql)
            if override is not None and override.sql is not None:
                item.manual, problem = _manual_sql(override.sql)
                if item.manual is None:
                    # The measure is not in the catalog: neither the mapping's SQL nor, silently,
                    # the translation it was meant to replace.
                    item.reasons.append(report(CAT_MANUAL_SQL, f"the mapping's SQL for '{measure.name}' {problem}",
                                               at(mapping, override.line)))
                    item.status, item.sql = Status.UNTRANSLATED, None
                elif translation is not None and translation.status in (Compiled.EXACT, Compiled.APPROXIMATE):
                    item.reasons.append(report(CAT_MANUAL, f"the mapping's SQL replaces the {translation.status.value} "
                                               f"translation of '{measure.name}'", at(mapping, override.line)))
                else:
                    item.reasons.append(report(CAT_MANUAL, f"SQL for '{measure.name}' supplied by the mapping file",
                                               at(mapping, override.line)))
                if item.manual is not None:
                    item.status = Status.MANUAL
                    item.sql = to_sql(item.manual)
            items.append(item)
    return items


def _manual_sql(text: str) -> tuple[exp.Expression | None, str | None]:
    """Hand-written SQL with its identifiers as PostgreSQL reads them (unquoted ones folded to lower
    case), then quoted, like every identifier the compiler writes; or None and what is wrong with
    it (the reader of the mapping file only checks that it is text)."""
    try:
        tree = TARGET.parse(text)
    except ParseError as e:
        return None, f"does not parse ({e.errors[0]['description']})"
    except (SqlglotError, RecursionError) as e:  # TokenError: an unterminated string or comment, ...
        return None, f"does not parse ({' '.join(str(e).split())[:120]})"
    if isinstance(tree, (exp.Query, exp.Command)) or tree.find(exp.Table) is not None:
        return None, "is a query, not one scalar aggregate expression over the view's columns"
    tree = normalize_identifiers(tree, dialect=TARGET.name)
    return quote_identifiers(tree, dialect=TARGET.name, identify=True), None


def _calculated_columns(compiled: Sequence[CompiledModel], sources: Sequence[DataSource]) -> dict[str, dict[str, str]]:
    """Per export, the calculated columns (case-folded name -> 'Table'[Column]) that no data
    source's view has: they exist only in the model, so no SQL can read them."""
    in_views = {c.casefold() for s in sources for c in s.columns}
    return {c.export: {col.name.casefold(): f"'{t.name}'[{col.name}]" for t in c.model.tables for col in t.columns
                       if col.expression is not None and col.name.casefold() not in in_views}
            for c in compiled}


def _choose_metrics(items: list[_Item], by_ident: dict[tuple[str, str], _Item],
                    calculated: dict[str, dict[str, str]]) -> None:
    for item in items:
        accepted = item.override is not None and item.override.accept_approximate
        if item.status in (Status.EXACT, Status.MANUAL) or (item.status == Status.APPROXIMATE and accepted):
            item.placement = Placement.METRIC
        elif item.status in (Status.PRESENTATION, Status.CONSTANT):
            pass  # not a metric: not in the catalog, listed in its own part of the report
        elif item.status == Status.APPROXIMATE:
            item.reasons.append(report(
                CAT_APPROXIMATE, f"approximate translation of '{item.name}' awaits review",
                item.measure.location,
                f"accept it with [metrics.\"{item.name}\"] accept_approximate = true in the mapping file",
            ))
        else:
            item.reasons.append(report(CAT_NOT_TRANSLATED, f"'{item.name}' is not in the catalog ({item.status})",
                                       item.measure.location,
                                       f"supply SQL by hand with [metrics.\"{item.name}\"] sql = \"...\""))
    # A metric that aggregates a calculated column no view has cannot run: it is untranslated.
    for item in items:
        if item.placement != Placement.METRIC or item.manual is not None:
            continue
        only_in_model = calculated.get(item.export, {})
        read = [only_in_model[c.casefold()] for c in _reads(item, by_ident) if c.casefold() in only_in_model]
        if read:
            item.placement, item.status = Placement.UNTRANSLATED, Status.UNTRANSLATED
            item.reasons.append(report(
                CAT_CALCULATED_COLUMN, f"'{item.name}' aggregates the calculated column(s) {', '.join(read)}, which "
                "exist only in the Power BI model: no data source's view has them", item.measure.location,
                "add the column to the view and declare it in the mapping file, or supply SQL by hand with "
                f"[metrics.\"{item.name}\"] sql = \"...\""))
    _drop_unplaced_components(items, by_ident)


def _drop_unplaced_components(items: list[_Item], by_ident: dict[tuple[str, str], _Item]) -> None:
    """A derived metric needs every component in the catalog: drop the ones that lack one, until stable."""
    changed = True
    while changed:
        changed = False
        for item in items:
            if item.placement != Placement.METRIC or item.manual is not None or item.translation is None:
                continue
            missing = [c for c in item.translation.components
                       if (component := by_ident.get((item.export, c.casefold()))) is None or component.placement != Placement.METRIC]
            if missing:
                item.placement = Placement.UNTRANSLATED
                item.reasons.append(report(CAT_COMPONENT, f"'{item.name}' is built on measures that are not metrics: "
                                           + ", ".join(missing), item.measure.location))
                changed = True


def _place_branch_measures(items: list[_Item], by_ident: dict[tuple[str, str], _Item]) -> None:
    """A hidden measure that only serves as a toggle branch of a metric is that metric's variant."""
    components = {(i.export, c.casefold()) for i in items if i.translation for c in i.translation.components}
    for parent in items:
        if parent.placement != Placement.METRIC or parent.translation is None or parent.manual is not None:
            continue
        for name in parent.translation.branch_measures:
            branch = by_ident.get((parent.export, name.casefold()))
            if branch is None or not branch.measure.is_hidden or branch.ident in components or branch is parent:
                continue
            if branch.placement != Placement.VARIANT:
                branch.placement = Placement.VARIANT
                branch.metric_key = None
                branch.reasons.append(report(CAT_NOT_TRANSLATED, f"'{branch.name}' is a toggle branch of '{parent.name}'",
                                             branch.measure.location))
            branch.parent = branch.parent or parent


def _signature(item: _Item) -> tuple:
    t = item.translation
    formula = formula_sql(t.derived_formula) if t is not None and t.derived_formula is not None and item.manual is None else None
    variants = () if t is None or item.manual is not None else tuple(
        (v.toggle_table.casefold(), v.option.casefold(), to_sql(v.sql)) for v in t.variants
    )
    return item.status, item.sql, formula, variants


def _assign_keys(metric_items: list[_Item]) -> None:
    """snake_case of the measure name, or the key the mapping pins (pinned keys are served first).
    The same measure in several exports (same key, same SQL) is one metric; any other clash gets
    the first free suffix _2, _3, ..."""
    owners: dict[str, _Item] = {}
    # by identity: an _Item compares by value, translations and all
    pinned = {id(i): i for i in metric_items if i.override is not None and i.override.key}
    signatures: dict[int, tuple] = {}

    def signature(item: _Item) -> tuple:
        if id(item) not in signatures:
            signatures[id(item)] = _signature(item)
        return signatures[id(item)]

    for item in [*pinned.values(), *(i for i in metric_items if id(i) not in pinned)]:
        wanted = item.override.key if id(item) in pinned else snake_case(item.name)
        fitted = fit_key(wanted)  # a pinned key always fits: the mapping reader checks its length
        owner = owners.get(fitted)
        if owner is not None and owner.export != item.export and signature(owner) == signature(item):
            item.metric_key, item.shared = fitted, True
            continue
        given = unique_key(wanted, owners)
        if given != fitted:
            d = report(CAT_METRIC_KEY, f"metric key '{fitted}' of '{item.name}' is taken by '{owners[fitted].name}'; "
                       f"using '{given}'", item.measure.location,
                       f"pin a key with [metrics.\"{item.name}\"] key = \"...\" in the mapping file")
            item.reasons.append(d)
        if fitted != wanted:
            item.reasons.append(report(
                CAT_KEY_SHORTENED, f"the metric key of '{fit_name(item.name, 60)}' would be {len(wanted)} characters, longer than "
                f"metric_key VARCHAR({KEY_LENGTH}); shortened to '{given}'", item.measure.location,
                f"pin a shorter key with [metrics.\"{item.name}\"] key = \"...\" in the mapping file"))
        owners[given] = item
        item.metric_key = given


def _owners(items: list[_Item]) -> list[_Item]:
    return [i for i in items if i.placement == Placement.METRIC and not i.shared]


def _unknown_category(category: str, mapping: Mapping, line: int | None) -> list[Diagnostic]:
    if category in rules.CATEGORIES:
        return []
    return [report(CAT_UNKNOWN_CATEGORY, f"the mapping names category '{category}', which is not one of "
                   f"the catalog's categories ({', '.join(rules.CATEGORIES)})", at(mapping, line),
                   *did_you_mean(category, rules.CATEGORIES))]


def _categories(owners: list[_Item], mapping: Mapping) -> tuple[dict[int, str], list[Diagnostic]]:
    diagnostics = [d for _, category in mapping.categories for d in _unknown_category(category, mapping, None)]
    category_of: dict[int, str] = {}
    unknown: dict[str, list[str]] = {}
    unfiled: list[str] = []
    for item in owners:
        folder = item.measure.display_folder
        if item.override is not None and item.override.category:
            category_of[id(item)] = item.override.category
            diagnostics += _unknown_category(item.override.category, mapping, item.override.line)
            continue
        mapped = None
        if folder:
            first = folder.replace("/", "\\").split("\\")[0].split(";")[0].strip()
            mapped = mapping.category(folder.strip()) or mapping.category(first)
        if mapped:
            category_of[id(item)] = mapped
            continue
        category, known = rules.folder_category(folder)
        category_of[id(item)] = category
        if not folder or not folder.strip():
            unfiled.append(item.name)
        elif not known:
            unknown.setdefault(folder.strip(), []).append(item.name)
    diagnostics += [
        report(CAT_UNKNOWN_FOLDER, f"display folder '{folder}' is not a catalog category; using "
               f"'{rules.folder_category(folder)[0]}'", None,
               f"map it with [categories] \"{folder}\" = \"<category>\" in the mapping file",
               "measures: " + ", ".join(names))
        for folder, names in sorted(unknown.items())
    ]
    if unfiled:
        diagnostics.append(report(CAT_NO_FOLDER, f"{len(unfiled)} metric(s) have no display folder; using "
                                  f"'{rules.UNCATEGORIZED}'", None, "measures: " + ", ".join(unfiled)))
    return category_of, diagnostics


def _sort_orders(owners: list[_Item], category_of: dict[int, str], previous: PreviousOrder) -> dict[int, int]:
    """Numbered within each category, sticky across rebuilds (translator.catalog.order)."""
    places = [Place(category_of[id(item)], (category_of[id(item)], item.metric_key or ""),
                    item.override.sort_order if item.override is not None else None) for item in owners]
    numbers = sort_orders(places, previous.table("metrics"))
    return {id(item): number for item, number in zip(owners, numbers)}


def _metric_row(item: _Item, by_ident: dict[tuple[str, str], _Item], category: str, sort_order: int,
                reasons: list[Diagnostic]) -> tuple[Metric, exp.Expression | None]:
    """The metric row, and the tree of its derived formula (None when it has none)."""
    measure, t = item.measure, item.translation
    o = item.override or _NO_OVERRIDE
    data_type, pattern = rules.metric_format(measure.format_string, _kind(item))
    derived = t.derived_formula if t is not None and item.manual is None else None
    formula_tree = _rename_components(derived, item.export, by_ident) if derived is not None else None
    formula = formula_sql(formula_tree) if formula_tree is not None else None
    aggregation = t.aggregation if t is not None and item.manual is None else Aggregation.CUSTOM
    assert item.metric_key is not None and item.sql is not None
    display_name = o.display_name or fit_name(measure.name)  # the mapping reader checks a pinned name's length
    if display_name != (o.display_name or measure.name):
        reasons.append(report(
            CAT_NAME_SHORTENED, f"the display name of '{fit_name(measure.name, 60)}' is {len(measure.name)} characters, longer "
            f"than display_name VARCHAR({NAME_LENGTH}); shortened to end in '…'", measure.location,
            f"set [metrics.{json.dumps(measure.name)}] display_name = \"...\" in the mapping file"))
    return Metric(
        metric_key=item.metric_key,
        display_name=display_name,
        sql_expression=item.sql,
        category=category,
        description=o.description or measure.description,
        data_type=o.data_type or data_type,
        format_pattern=o.format_pattern or pattern,
        aggregation_type=o.aggregation_type or aggregation.value,
        is_derived=formula is not None,
        derived_formula=formula,
        sort_order=sort_order,
        is_invertable=rules.is_invertable(measure.name, category) if o.is_invertable is None else o.is_invertable,
    ), formula_tree


def _kind(item: _Item) -> Kind:
    """The type of the metric's SQL: the compiler's, or for hand-written SQL what sqlglot infers
    (text only when it is sure; a number otherwise)."""
    if item.manual is None and item.translation is not None:
        return item.translation.kind
    if item.manual is not None:
        typed = annotate_types(item.manual.copy(), dialect=TARGET.name).type
        if typed is not None and typed.is_type(*exp.DataType.TEXT_TYPES):
            return Kind.TEXT
    return Kind.NUMBER


def _rename_components(formula: exp.Expression, export: str, by_ident: dict[tuple[str, str], _Item]) -> exp.Expression:
    """Each component, a bare identifier naming a measure, becomes its metric key."""

    def rename(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table:
            component = by_ident.get((export, node.name.casefold()))
            if component is not None and component.metric_key is not None:
                return exp.column(component.metric_key)
        return node

    return formula.copy().transform(rename)


def _reads(item: _Item, by_ident: dict[tuple[str, str], _Item]) -> tuple[str, ...]:
    """The physical columns a metric reads, its components' included: found once per measure
    (its SQL and its components are settled when the items are made)."""
    if item.reads is None:
        item.reads = _columns(item, by_ident, set())
    return item.reads


def _columns(item: _Item, by_ident: dict[tuple[str, str], _Item], seen: set[tuple[str, str]]) -> tuple[str, ...]:
    """The physical columns a metric reads, its components' included."""
    if item.manual is not None:
        return column_names(item.manual)
    if item.translation is None or item.ident in seen:
        return ()
    seen.add(item.ident)
    columns = {c.casefold(): c for c in item.translation.columns}
    for name in item.translation.components:
        component = by_ident.get((item.export, name.casefold()))
        if component is not None:
            columns.update({c.casefold(): c for c in _columns(component, by_ident, seen)})
    return tuple(sorted(columns.values(), key=str.casefold))


def _fact_tables(item: _Item, by_ident: dict[tuple[str, str], _Item], seen: set[tuple[str, str]]) -> set[str]:
    """The (case-folded) fact tables whose rows a metric reads, its components' included."""
    if item.translation is None or item.ident in seen:
        return set()
    seen.add(item.ident)
    tables = {item.translation.fact_table.casefold()} if item.translation.fact_table else set()
    for name in item.translation.components:
        component = by_ident.get((item.export, name.casefold()))
        if component is not None:
            tables |= _fact_tables(component, by_ident, seen)
    return tables


def _placement(item: _Item, by_ident: dict[tuple[str, str], _Item], mapping: Mapping,
               sources: links_module.SourceIndex, sides) -> links_module.Placement:
    """The views a metric runs on: its home table's, and those the mapping declares equivalent."""
    homes = _fact_tables(item, by_ident, set())
    if item.manual is not None and not homes:
        homes = {item.measure.table.casefold()}
    override = item.override or _NO_OVERRIDE
    columns = _reads(item, by_ident)
    manual = item.manual is not None and item.override is not None
    placement = links_module.place(item.export, item.name, homes, columns, override.equivalent_sources,
                                   override.line, mapping, sources, sides,
                                   at(mapping, override.line) if manual else item.measure.location)
    if manual and not placement.sources:
        # Hand-written SQL is the mapping file's: its line, with the nearest columns of a typo.
        known = {c for ms in sources.own(item.export) for c in ms.row.columns}
        missing = [c for c in columns if c.casefold() not in {k.casefold() for k in known}]
        notes = tuple(note for c in missing for note in did_you_mean(c, known))
        placement = links_module.Placement(placement.sources, tuple(
            replace(d, notes=d.notes + notes) if d.code == CAT_NO_SOURCE else d for d in placement.reasons))
    return placement


def _approximate_overrides(items: list[_Item], placements: dict[int, links_module.Placement],
                           offered: dict[str, dict[str, str]],
                           offered_lookups: dict[str, dict[tuple[str, str], str]]) -> None:
    """A CALCULATE filter replaces the report's filters on its column: where the catalog offers that
    column as a dimension on a source the metric runs on, the report can group or filter by it and
    the SQL cannot keep the rule, so an exact translation is approximate there."""
    for item in items:
        t = item.translation
        if t is None or item.manual is not None or id(item) not in placements:
            continue
        if not t.overridden_columns and not t.overridden_lookups:  # most measures: nothing to look up
            continue
        dimensions = links_module.overridden_dimensions(t.overridden_columns, placements[id(item)].sources, offered,
                                                        t.overridden_lookups, offered_lookups)
        if not dimensions:
            continue
        item.reasons.append(links_module.override_reason(item.name, dimensions, item.measure.location))
        if item.status == Status.EXACT:
            item.status = Status.APPROXIMATE


def _variant_rows(item: _Item, metric: Metric, toggles: ToggleKeys,
                  reasons: list[Diagnostic]) -> list[tuple[MetricVariant, exp.Expression]]:
    t = item.translation
    if t is None or item.manual is not None:
        return []
    rows = []
    for variant in t.variants:
        toggle_key = toggles.toggle(item.export, variant.toggle_table)
        option_key = toggles.option(toggle_key, variant.option) if toggle_key else None
        if toggle_key is None or option_key is None:
            reasons.append(report(CAT_VARIANT_TARGET, f"variant of '{item.name}' names toggle '{variant.toggle_table}' "
                                  f"option '{variant.option}', which the model's toggles do not have",
                                  item.measure.location))
            continue
        sql = to_sql(variant.sql)
        if sql == metric.sql_expression:
            reasons.append(report(CAT_VARIANT_SAME, f"variant '{toggle_key}={option_key}' of '{item.name}' has "
                                  "the default SQL; no variant row", item.measure.location))
            continue
        rows.append((MetricVariant(metric.metric_key, toggle_key, option_key, sql), variant.sql))
    return rows


def _unused_overrides(items: list[_Item], mapping: Mapping) -> list[Diagnostic]:
    names = {i.measure.name.casefold() for i in items}
    return [
        report(CAT_MAPPING_UNUSED, f"the mapping names measure '{name}', which no model has", at(mapping, o.line),
               *did_you_mean(name, (i.measure.name for i in items)))
        for name, o in mapping.metrics
        if name.casefold() not in names
    ]


def _entry(item: _Item, variants: dict[str, list[MetricVariant]]) -> ReportEntry:
    t = item.translation
    own_variants = tuple(
        (v.toggle_key, v.option_key, v.sql_expression) for v in variants.get(item.metric_key or "", ())
    ) if item.placement == Placement.METRIC else ()
    own = tuple(reason(d) for d in t.reasons) if t is not None else ()
    return ReportEntry(
        export=item.export,
        table=item.measure.table,
        measure=item.measure.name,
        location=item.measure.location,
        status=item.status,
        placement=item.placement,
        metric_key=item.metric_key,
        dax=item.measure.expression,
        sql=item.sql,
        reasons=own + tuple(reason(d) for d in item.reasons),
        overridden_columns=t.overridden_columns if t is not None and item.manual is None else (),
        accepted=item.status == Status.APPROXIMATE and item.placement == Placement.METRIC,
        variants=own_variants,
        presentation=t.presentation if t is not None else None,
        constant=_constant_text(t) if t is not None and t.status is Compiled.CONSTANT else None,
        time_intelligence=tuple(u.as_dict() for u in t.time_intelligence) if t is not None else (),
        blocked_by=t.blocked_by if t is not None and item.status == Status.UNTRANSLATED else None,
        lookups=t.lookups if t is not None and item.status == Status.UNTRANSLATED else (),
        lookup_fact=t.lookup_fact if t is not None and item.status == Status.UNTRANSLATED else None,
    )


def _constant_text(t: Translation) -> str:
    value = t.constant
    if value is None:
        return "BLANK()"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return repr(value)
