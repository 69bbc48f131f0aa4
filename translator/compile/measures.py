"""Measure-level compilation: a Translation for every measure of a parsed model.

- A measure whose top level combines references to translatable measures with constants and
  scalar operations only makes a DERIVED metric (components). Any other measure that references
  measures (a column read, an aggregate, CALCULATE or an iterator at its top level) inlines them.
- A measure that reads a slicer toggle is compiled once per option and once with nothing
  selected (the default); options whose SQL differs become Variants.
- Anything untranslatable becomes an UNTRANSLATED translation with a located CMP2xx reason; an
  unexpected exception (a compiler bug) costs only its measure (CMP299), never the whole model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlglot import exp

from translator import functions
from translator.functions import Aggregation
from translator.compile import blank
from translator.compile.calculation_groups import (
    CalculationGroup,
    apply_item,
    discover_calculation_groups,
    is_identity,
)
from translator.compile.compiled import Compiled, Kind
from translator.compile.compiler import COMPONENT, Compiler
from translator.compile.context import Collector, ModelIndex, Scope
from translator.compile.errors import (
    APPROXIMATE_COMPONENT,
    CALCULATION_ITEM,
    CONSTANT,
    PRESENTATION,
    INTERNAL_ERROR,
    MEASURE_CYCLE,
    LOOKUP_UNDECLARED,
    NEEDS_JOIN,
    REFUSED_LOOKUP,
    NOT_READY,
    TWO_FACT_TABLES,
    TWO_TOGGLES,
    UNSUPPORTED,
    UNTRANSLATED_COMPONENT,
    Untranslatable,
)
from translator.compile.rules import RULES
from translator.compile.presentation import constant_value, presentation_kind
from translator.compile.sql import to_sql
from translator.compile.timeintel import inventory
from translator.compile.toggles import direct_toggles, discover_parameters, discover_slicers, with_defaults
from translator.compile.translation import CompiledModel, Status, Toggle, Translation, Variant
from translator.dax import DaxSyntaxError, ast, parse
from translator.dax.ast import fold
from translator.dax.model import ParsedItem, ParsedMeasure, ParsedModel
from translator.diagnostics import Diagnostic, SourceLocation, report
from translator.model.mapping import Mapping
from translator.model.semantic import Measure
from translator.compile.pins import pinned_semantics
from translator.model.semantics import NO_PINS, Semantics


@dataclass(frozen=True, slots=True)
class _Result:
    translation: Translation
    compiled: Compiled | None  # the default SQL's nullability and kind, for measures using it


@dataclass(slots=True)
class _Applied:
    """A measure's calculation-item variants (with what their compilation read) and the items
    that cannot be applied to it."""

    variants: list[tuple[ParsedItem, Variant, Collector]] = field(default_factory=list)
    failures: list[tuple[str, ParsedItem, Untranslatable]] = field(default_factory=list)


class MeasureService:
    """Compiles measures on demand (components first), memoized, with cycle detection."""

    def __init__(self, parsed: ParsedModel, classify: bool = True, mapping: Mapping | None = None):
        # classify: measures that are presentation text or constants get their own status (the
        # model's measures); `explain` and the case tables translate an expression as it is.
        self.classify = classify
        self.parsed = parsed
        # mapping: only its sources' lookup_columns matter here (the view columns that carry them)
        toggles, self._reads_toggle = with_defaults(discover_slicers(parsed), parsed)
        self.index = ModelIndex(parsed, toggles, discover_parameters(parsed), mapping)
        self.groups = discover_calculation_groups(parsed)
        # fold(measure) -> (fold(group table), item, reason) for each item it cannot take
        self.item_failures: dict[str, list[tuple[str, str, str]]] = {}
        self._done: dict[str, _Result] = {}
        self._active: list[str] = []

    def translate(self, pm: ParsedMeasure) -> Translation:
        return self._result(pm).translation

    # -------------------------------------------------------------- components

    def component(self, pm: ParsedMeasure, stack: tuple[str, ...], span: ast.Span) -> Compiled:
        name = pm.measure.name
        if fold(name) in stack or fold(name) in self._active:
            raise Untranslatable(MEASURE_CYCLE, f"measure references form a cycle through [{name}]", span)
        result = self._result(pm)
        if result.compiled is None or result.translation.status not in (Status.EXACT, Status.APPROXIMATE):
            status = result.translation.status
            what = "untranslated" if status is Status.UNTRANSLATED else f"{status.value}, not a metric"
            raise Untranslatable(UNTRANSLATED_COMPONENT, f"depends on [{name}], which is {what}", span, blocked_by=name)
        return result.compiled

    def is_constant(self, pm: ParsedMeasure) -> bool:
        return self.classify and constant_value(pm.tree)[0]

    def is_not_metric(self, pm: ParsedMeasure) -> bool:
        """A constant or a presentation measure: inlined where another measure uses it."""
        if not self.classify:
            return False
        return self.is_constant(pm) or self._presentation_of(pm.measure.name) is not None

    def _presentation_of(self, name: str) -> str | None:
        """The presentation kind of the measure named `name` (None: not presentation)."""
        pm = self.index.measure(name)
        if pm is None or fold(pm.measure.name) in self._active:
            return None
        return self._result(pm).translation.presentation

    def result_of(self, name: str) -> _Result:
        return self._done[fold(name)]

    # -------------------------------------------------------------- one measure

    def _result(self, pm: ParsedMeasure) -> _Result:
        key = fold(pm.measure.name)
        if key in self._done and self._done[key].translation.measure is pm.measure:
            return self._done[key]
        self._active.append(key)
        try:
            result = self._translate(pm)
        finally:
            self._active.pop()
        self._done.setdefault(key, result)
        return result

    def _translate(self, pm: ParsedMeasure) -> _Result:
        m = pm.measure
        export = self.parsed.model.export
        if pm.tree is None:
            reasons = (pm.error,) if pm.error else ()
            return _Result(Translation(m, export, Status.PARSE_ERROR, reasons=reasons), None)
        if m.state is not None and m.state.casefold() != "ready":
            notes = (m.error_message,) if m.error_message else ()
            reason = report(NOT_READY, f"the engine reports state {m.state} for this measure", m.location, *notes)
            return _Result(Translation(m, export, Status.UNTRANSLATED, reasons=(reason,)), None)
        is_constant, value = constant_value(pm.tree) if self.classify else (False, None)
        if is_constant:
            shown = "BLANK()" if value is None else repr(value)
            reason = report(CONSTANT, f"a constant ({shown}): not a metric; measures using it get its value", m.location)
            return _Result(Translation(m, export, Status.CONSTANT, reasons=(reason,), constant=value), None)
        kind = presentation_kind(pm.tree, self._presentation_of) if self.classify else None
        if kind is not None:
            reason = report(PRESENTATION, f"presentation text ({kind}): not a metric, never seeded", m.location)
            return _Result(Translation(m, export, Status.PRESENTATION, reasons=(reason,), presentation=kind), None)
        try:
            return self._compile(pm)
        except Untranslatable as e:
            reason = report(e.code, e.message, locate(m, e.span), *e.notes)
            translation = Translation(
                m, export, Status.UNTRANSLATED, reasons=(reason,), time_intelligence=inventory(pm.tree),
                blocked_by=e.blocked_by, lookups=e.lookups, lookup_fact=e.lookup_fact,
            )
            return _Result(translation, None)
        except Exception as e:  # noqa: BLE001  (a compiler bug must cost one measure, not the run)
            reason = report(
                INTERNAL_ERROR, "internal compiler error while translating this measure", m.location,
                f"{type(e).__name__}: {e}",
            )
            return _Result(Translation(m, export, Status.UNTRANSLATED, reasons=(reason,)), None)

    def _run(
        self,
        pm: ParsedMeasure,
        selection: dict[str, str],
        inline: bool,
        tree: ast.Expr | None = None,
        stack: tuple[str, ...] | None = None,
    ) -> tuple[Compiled, Collector]:
        cx = Compiler(
            RULES, self.index, self, selection, inline, (fold(pm.measure.name),) if stack is None else stack,
            home=pm.measure.table or None,
        )
        compiled = blank.as_value(cx.expr(pm.tree if tree is None else tree, Scope()))
        if compiled.const is not None and compiled.kind is Kind.BLANK:
            compiled = blank.blank()
        return compiled, cx.collector

    def _compile(self, pm: ParsedMeasure) -> _Result:
        result = self._compile_measure(pm, inline=False)
        if not self.groups:
            return result
        applied = self._apply_groups(pm, result.translation.status is Status.APPROXIMATE)
        if result.translation.components and applied.variants:
            # A calculation item applies to the visual's measure only, never again to the
            # measures it references; a derived metric with its own item variant would still
            # pick up its components' other variants at query time. Inline instead.
            result = self._compile_measure(pm, inline=True)
        return self._with_groups(pm, result, applied)

    def _compile_measure(self, pm: ParsedMeasure, inline: bool) -> _Result:
        slicers = self.index.toggles
        inline = inline or self._reads_toggle_directly(pm)
        default, found = self._run(pm, {}, inline)
        # Inline the components instead when a toggle is read through a measure inlined under
        # CALCULATE, or when the measure cannot be a derived metric (see _derivable).
        if not inline and (found.toggles or (found.components and not self._derivable(default, found))):
            inline = True
            default, found = self._run(pm, {}, inline)
        if len(found.toggles) > 1:
            names = ", ".join(f"'{t}'" for t in sorted(found.toggles))
            raise Untranslatable(
                TWO_TOGGLES,
                f"depends on two or more toggles ({names}); metric_variants holds one option per row",
                next(iter(found.toggles.values())),
            )
        collectors = [found]
        variants: list[Variant] = []
        for table in found.toggles:
            toggle = slicers[fold(table)].toggle
            default_sql = to_sql(default.sql)  # only a measure with variants compares texts
            alike = found.unselected_alike.get(table, frozenset())
            for option in toggle.options:
                if option in alike:
                    continue  # compiles exactly as with nothing selected: no variant, nothing else read
                compiled, collector = self._run(pm, {fold(table): option}, inline)
                collectors.append(collector)
                if to_sql(compiled.sql) != default_sql:
                    variants.append(Variant(toggle.table, option, compiled.sql))
        return self._finish(pm, default, collectors, variants)

    def _reads_toggle_directly(self, pm: ParsedMeasure) -> bool:
        """The measure's own text reads a slicer table (the model's measures were looked at once,
        when the toggles' defaults were counted)."""
        known = self._reads_toggle.get(id(pm.tree))
        return bool(direct_toggles(pm.tree, self.index.toggles)) if known is None else known

    def _derivable(self, default: Compiled, found: Collector) -> bool:
        """A pure formula over measures none of which has a calculation-group variant (the
        query engine would substitute the components' item variants into the formula, but an
        item applies to the visual's measure only)."""
        if not _is_pure_formula(default, found):
            return False
        return not any(
            fold(v.toggle_table) in self.groups for c in found.components for v in self.result_of(c).translation.variants
        )

    # -------------------------------------------------------------- calculation groups

    def _apply_groups(self, pm: ParsedMeasure, approximate: bool) -> _Applied:
        """Each calculation item applied to the measure and compiled (slicers at their default).
        An item cannot be applied when it makes an exact measure approximate, or when it reads a
        slicer toggle the measure does not (its variant would hold one option of each)."""
        m = pm.measure
        applied = _Applied()
        baseline: tuple[str, Collector] | None = None
        for group in self.groups.values():
            for pi in group.items:
                if pi.tree is None or is_identity(pi.tree):
                    continue  # an item that does not parse is reported for the whole group
                if baseline is None:
                    itself, found = self._run(pm, {}, True, ast.MeasureRef(m.name), stack=())
                    baseline = (to_sql(itself.sql), found)
                try:
                    compiled, collector = self._run(pm, {}, True, apply_item(pi.tree, m.name), stack=())
                    if collector.approximations and not approximate:
                        code, message, span = collector.approximations[0]
                        raise Untranslatable(code, f"only approximate: {message}", span)
                    for table, span in collector.toggles.items():
                        if table not in baseline[1].toggles:
                            raise Untranslatable(
                                TWO_TOGGLES, f"the item reads toggle '{table}', which the measure does not", span
                            )
                except Untranslatable as e:
                    applied.failures.append((group.toggle.table, pi, e))
                    continue
                if to_sql(compiled.sql) != baseline[0]:
                    applied.variants.append((pi, Variant(group.toggle.table, pi.item.name, compiled.sql), collector))
        return applied

    def _with_groups(self, pm: ParsedMeasure, result: _Result, applied: _Applied) -> _Result:
        t = result.translation
        m = pm.measure
        variants, toggles = list(t.variants), set(t.toggles)
        columns, overridden = set(t.columns), set(t.overridden_columns)
        failures = list(applied.failures)
        for pi, variant, collector in applied.variants:
            try:
                _fact_table([collector], [t])
            except Untranslatable as e:
                failures.append((variant.toggle_table, pi, e))
                continue
            variants.append(variant)
            toggles.add(variant.toggle_table)
            columns.update(c.column for c in collector.columns)
            overridden.update(c.column for c in collector.overridden)
        reasons = list(t.reasons)
        self.item_failures[fold(m.name)] = []
        for table, pi, e in failures:
            where = locate_in(pi.item.location, e.span)
            reasons.append(
                report(
                    CALCULATION_ITEM,
                    f"calculation item '{pi.item.name}' of '{table}' cannot be applied to this measure: {e.message}",
                    m.location,
                    *((f"the item is at {where}",) if where else ()),
                )
            )
            self.item_failures[fold(m.name)].append((fold(table), pi.item.name, e.message))
        translation = replace(
            t,
            variants=tuple(variants),
            toggles=tuple(sorted(toggles)),
            columns=tuple(sorted(columns)),
            overridden_columns=tuple(sorted(overridden)),
            reasons=tuple(reasons),
        )
        return _Result(translation, result.compiled)

    def _finish(
        self, pm: ParsedMeasure, default: Compiled, collectors: list[Collector], variants: list[Variant]
    ) -> _Result:
        m = pm.measure
        found = collectors[0]
        components = tuple(found.components)
        component_results = [self.result_of(c) for c in components]
        fact = _fact_table(collectors, [r.translation for r in component_results], self.index)
        columns = {c.column for col in collectors for c in col.columns}
        overridden = {c.column for col in collectors for c in col.overridden}
        lookups = {(keys[0], col.looked_up[c]) for col in collectors for c in col.overridden
                   if c in col.looked_up and fact and (keys := self.index.model.lookup_relationship(fact, c.table))}
        reasons: list[Diagnostic] = []
        approximate = False
        for col in collectors:
            for code, message, span in col.approximations:
                diagnostic = report(code, message, locate(m, span))
                if diagnostic not in reasons:
                    reasons.append(diagnostic)
                approximate = True
        for result in component_results:
            t = result.translation
            columns.update(t.columns)
            overridden.update(t.overridden_columns)
            lookups.update(t.overridden_lookups)
            if t.status is Status.APPROXIMATE:
                approximate = True
                reasons.append(report(APPROXIMATE_COMPONENT, f"depends on [{t.measure.name}], which is approximate",
                                      locate(m, ast.NO_SPAN)))
        sql, formula = default.sql, None
        if components:
            by_name = {fold(r.translation.measure.name): r.translation for r in component_results}
            formula = _replace_components(
                sql, lambda name: exp.Paren(this=exp.column(by_name[fold(name)].measure.name, quoted=True))
            )
            # The components' own trees, shared rather than copied: no tree is changed in place (compile/sql.py)
            sql = _replace_components(sql, lambda name: exp.Paren(this=by_name[fold(name)].sql))
        to_sql(sql)  # rendered here, where a failure costs this measure only (the catalog reuses the text)
        toggles = tuple(sorted({t for col in collectors for t in col.toggles}))
        branch: set[str] = set()
        if toggles:
            for col in collectors:
                branch.update(n for n in col.inlined if self._is_hidden(n))
        translation = Translation(
            measure=m,
            export=self.parsed.model.export,
            status=Status.APPROXIMATE if approximate else Status.EXACT,
            sql=sql,
            derived_formula=formula,
            components=components,
            fact_table=fact,
            columns=tuple(sorted(columns)),
            variants=tuple(variants),
            toggles=toggles,
            branch_measures=tuple(sorted(branch)),
            overridden_columns=tuple(sorted(overridden)),
            overridden_lookups=tuple(sorted(lookups)),
            aggregation=aggregation(pm.tree),
            kind=default.kind if default.kind is not Kind.BLANK else Kind.NUMBER,
            reasons=tuple(reasons),
        )
        return _Result(translation, default.with_sql(sql))

    def _is_hidden(self, name: str) -> bool:
        pm = self.index.measure(name)
        return pm is not None and pm.measure.is_hidden


def _undeclared(collectors: list[Collector], index: ModelIndex, fact: str, table: str) -> tuple[str, ...]:
    """The columns of `table` the measure reads that the view of `fact` is not declared to carry
    (the mapping's lookup_columns), as 'Table'[column] in the model's names."""
    found = set()
    for col in collectors:
        for c in col.columns:
            if fold(c.table) == fold(table):
                model = col.looked_up.get(c)
                if model is None or fold(index.lookup_view(table, model, fact) or "") != fold(c.column):
                    found.add(f"'{c.table}'[{model or c.column}]")
    return tuple(sorted(found))


def _fact_table(collectors: list[Collector], components: list[Translation], index: ModelIndex | None = None) -> str | None:
    tables: dict[str, ast.Span] = {}
    for col in collectors:
        for table, span in col.aggregated.items():
            tables.setdefault(table, span)
    for t in components:
        if t.fact_table:
            tables.setdefault(t.fact_table, ast.NO_SPAN)
    folded = {fold(t): t for t in tables}
    if len(folded) > 1:
        names = ", ".join(f"'{t}'" for t in sorted(folded.values()))
        raise Untranslatable(
            TWO_FACT_TABLES,
            f"reads the rows of two tables ({names}); one reporting view holds one of them",
            list(tables.values())[-1],
        )
    fact = next(iter(folded.values()), None)
    for col in collectors:
        for table, span in col.filtered:
            if fact is not None and fold(table) == fold(fact):
                continue
            target = f"'{fact}'" if fact else "the measure's rows"
            message = f"filters on '{table}', which is not the table of {target}: needs a join"
            read = any(fold(c.table) == fold(table) for col in collectors for c in col.columns)
            if fact is None or index is None or not read:
                raise Untranslatable(NEEDS_JOIN, message, span)
            if (refused := index.model.lookup_refusal(fact, table)) is not None:
                raise Untranslatable(REFUSED_LOOKUP[refused[0]], f"{message} ({refused[1]})", span)
            if lookups := _undeclared(collectors, index, fact, table):
                raise Untranslatable(
                    LOOKUP_UNDECLARED, f"{message}; a view of '{fact}' carrying {', '.join(lookups)} would make it exact",
                    span, lookups=lookups, lookup_fact=fact)
    return fact


def _is_pure_formula(compiled: Compiled, found: Collector) -> bool:
    """A derived metric's formula combines measure references with constants and scalar
    operations only: it reads no column and aggregates nothing at its own level (the catalog's
    derived_formula names metric keys, never the view's columns)."""
    if found.columns or found.aggregated or found.filtered or found.approximations:
        return False
    for node in compiled.sql.walk():
        if isinstance(node, (exp.AggFunc, exp.Window, exp.Filter, exp.Star)):
            return False
        if isinstance(node, exp.Column) and node.table != COMPONENT:
            return False
    return True


def _replace_components(sql: exp.Expression, make) -> exp.Expression:
    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and node.table == COMPONENT:
            return make(node.name)
        return node

    return sql.transform(swap)  # transform copies the tree first


def aggregation(tree: ast.Expr) -> Aggregation:
    """sum | count | avg | ratio (a DIVIDE or `/` at the top) | custom."""
    node = tree
    bindings: dict[str, ast.Expr] = {}
    while True:
        match node:
            case ast.VarBlock(bindings=bs, body=body):
                bindings.update({fold(b.name): b.value for b in bs})
                node = body
            case ast.VariableRef(name=name) if fold(name) in bindings:
                node = bindings.pop(fold(name))
            case ast.FunctionCall(name="CALCULATE", args=args) if args and args[0] is not None:
                node = args[0]
            case ast.BinaryOp(op=ast.BinOp.DIV):
                return Aggregation.RATIO
            case ast.FunctionCall(name=name):
                fn = functions.lookup(name)
                return (fn.aggregation if fn else None) or Aggregation.CUSTOM
            case _:
                return Aggregation.CUSTOM


def locate(measure: Measure, span: ast.Span) -> SourceLocation | None:
    """The export location of a node: the measure's location plus the node's line offset."""
    return locate_in(measure.location, span)


def locate_in(loc: SourceLocation | None, span: ast.Span) -> SourceLocation | None:
    """The export location of a node of an expression that starts at `loc`."""
    if loc is None:
        return None
    if span == ast.NO_SPAN or loc.line is None:
        return loc
    line = loc.line + span.line - 1
    if span.line == 1 and loc.column is not None:
        column = loc.column + span.column - 1
    else:
        column = span.column
    return SourceLocation(loc.file, line, column)


def compile_model(parsed: ParsedModel, semantics: Semantics = NO_PINS,
                  mapping: Mapping | None = None) -> tuple[CompiledModel, list[Diagnostic]]:
    """Every measure of the model, translated with the pins of the mapping file's [semantics], and
    the diagnostics about the model as a whole (a calculation item not offered, CMP218). Why one
    measure is not translated stays on its Translation (`reasons`): the catalog decides what
    becomes of the measure and reports it."""
    with pinned_semantics(semantics):
        return _compile_model(parsed, mapping)


def _compile_model(parsed: ParsedModel, mapping: Mapping | None) -> tuple[CompiledModel, list[Diagnostic]]:
    service = MeasureService(parsed, mapping=mapping)
    translations = [service.translate(pm) for pm in parsed.measures]
    toggles = {key: s.toggle for key, s in service.index.toggles.items()}
    diagnostics: list[Diagnostic] = []
    for key, group in service.groups.items():
        toggle, dropped, found = _settle_group(group, translations, service.item_failures)
        diagnostics += found
        if toggle is not None:
            toggles.setdefault(key, toggle)
        if dropped:
            translations = [_without_options(t, group.toggle.table, dropped) for t in translations]
    ordered = tuple(toggle for _, toggle in sorted(toggles.items()))
    return CompiledModel(parsed.model.export, parsed.model, tuple(translations), ordered), diagnostics


# How many measures a dropped calculation item's diagnostic names before "and N more".
_NAMED_MEASURES = 5


def _settle_group(
    group: CalculationGroup, translations: list[Translation], failures: dict[str, list[tuple[str, str, str]]]
) -> tuple[Toggle | None, set[str], list[Diagnostic]]:
    """The group's toggle offers only the items that can be applied to every translated measure:
    selecting another would silently give the measure's default value in the report builder
    (the query engine falls back to the default SQL when a metric has no variant)."""
    table = group.toggle.table
    translated = [t for t in translations if t.status in (Status.EXACT, Status.APPROXIMATE)]
    dropped: set[str] = set()
    diagnostics: list[Diagnostic] = []
    for pi in group.items:
        name = pi.item.name
        if pi.tree is None:
            problems = ["the item's DAX does not parse"]
        else:
            problems = [
                f"[{t.measure.name}]: {message}"
                for t in translated
                for failed_table, item, message in failures.get(fold(t.measure.name), ())
                if failed_table == fold(table) and item == name
            ]
        if not problems:
            continue
        dropped.add(name)
        notes = problems[:_NAMED_MEASURES]
        if len(problems) > _NAMED_MEASURES:
            notes.append(f"... and {len(problems) - _NAMED_MEASURES} more measures (see the translation report)")
        count = "its DAX" if pi.tree is None else f"{len(problems)} measure(s)"
        diagnostics.append(
            report(
                CALCULATION_ITEM,
                f"calculation item '{name}' of '{table}' is not offered as a toggle option: it cannot be applied to {count}",
                pi.item.location,
                *notes,
            )
        )
    options = tuple(o for o in group.toggle.options if o not in dropped)
    if not options:
        return None, dropped, diagnostics
    default = group.toggle.default if group.toggle.default in options else None
    return replace(group.toggle, options=options, default=default), dropped, diagnostics


def _without_options(t: Translation, table: str, dropped: set[str]) -> Translation:
    kept = tuple(v for v in t.variants if not (fold(v.toggle_table) == fold(table) and v.option in dropped))
    if len(kept) == len(t.variants):
        return t
    still = {fold(v.toggle_table) for v in kept}
    toggles = tuple(x for x in t.toggles if fold(x) != fold(table) or fold(x) in still)
    return replace(t, variants=kept, toggles=toggles)


def compile_expression(text: str, parsed: ParsedModel, semantics: Semantics = NO_PINS,
                       mapping: Mapping | None = None) -> Translation:
    """Translate one DAX expression against a model's measures and tables (`translator explain`)."""
    with pinned_semantics(semantics):
        return _compile_expression(text, parsed, mapping)


def _compile_expression(text: str, parsed: ParsedModel, mapping: Mapping | None) -> Translation:
    measure = Measure(table="", name="(expression)", expression=text)
    try:
        tree = parse(text)
    except DaxSyntaxError as e:
        return Translation(measure, parsed.model.export, Status.PARSE_ERROR, reasons=(e.diagnostic,))
    service = MeasureService(parsed, classify=False, mapping=mapping)
    if service.index.measure(measure.name) is not None:
        raise ValueError("the model has a measure named (expression)")  # pragma: no cover
    if isinstance(tree, ast.MeasureRef) and (named := service.index.measure(tree.name)) is not None:
        # A bare [Measure]: explain the measure itself, with the toggles its definition reads.
        return service.translate(named)
    return service.translate(ParsedMeasure(measure, tree))


__all__ = ["compile_model", "compile_expression", "MeasureService", "UNSUPPORTED"]
