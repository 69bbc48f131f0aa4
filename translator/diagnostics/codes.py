"""The one registry of diagnostic codes: code, stage, severity, title and the fix to suggest.

Every code the translator reports is registered here and nowhere else spelled out; stages import
the constant (`from translator.diagnostics.codes import CMP201`). docs/diagnostics.md explains each
code (what, why, an example); tests/test_diagnostic_codes.py checks that every registered code is
documented there and used somewhere, and that no module writes a code as a string literal.
The severity is the one the code is reported with; `translator.diagnostics.report` reads it.
Codes are stable: tests and users' tooling match on them. Never reuse or renumber one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from translator.diagnostics.model import Severity


class Stage(enum.Enum):
    PARSE = "DAX"  # DAX1xx
    COMPILE = "CMP"  # CMP2xx
    CATALOG = "CAT"  # CAT3xx
    READ = "RDR"  # RDR4xx
    EMIT = "EMT"  # EMT5xx
    COMMAND = "CLI"  # CLI6xx
    PARITY = "PAR"  # PAR7xx: translator parity (queries, compare, pin)


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    stage: Stage
    severity: Severity
    title: str
    fix: str


REGISTRY: dict[str, Code] = {}

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
CATALOG = Stage.CATALOG


def _register(code: str, severity: Severity, title: str, fix: str, stage: Stage | None = None) -> str:
    """`stage` is where the code is reported, when it moved after the code was numbered."""
    assert code not in REGISTRY, code
    REGISTRY[code] = Code(code, stage or Stage(code[:3]), severity, title, fix)
    return code


def lookup(code: str) -> Code:
    return REGISTRY[code]


# --- DAX1xx: parsing --------------------------------------------------------------------------
DAX101 = _register("DAX101", E, "unexpected token", "correct the measure's DAX at the caret")
DAX102 = _register("DAX102", E, "unexpected character", "replace the character (e.g. `!=` by `<>`)")
DAX103 = _register("DAX103", E, "unexpected end of the expression", "complete the expression")
DAX104 = _register("DAX104", E, "unterminated string, name or comment", "close the quote, bracket or comment")
DAX105 = _register("DAX105", E, "expression nested too deeply", "simplify the expression (use VAR)")
DAX106 = _register("DAX106", E, "number out of range", "write a number within a double's range")

# --- CMP2xx: compiling DAX to SQL -------------------------------------------------------------
CMP201 = _register("CMP201", E, "unknown function", "check the spelling, or write the SQL in the mapping")
CMP202 = _register("CMP202", E, "function without a SQL translation", "write the metric's SQL in the mapping (`sql`)")
CMP203 = _register("CMP203", E, "wrong number of arguments", "fix the call's arguments")
CMP204 = _register("CMP204", E, "unknown name", "name a table, column or measure the model has")
CMP205 = _register("CMP205", E, "two fact tables", "split the measure per fact table")
CMP206 = _register("CMP206", E, "filter needs a join", "filter on a column of the fact table, or write the SQL")
CMP207 = _register("CMP207", E, "context transition", "aggregate the column directly instead of the measure")
CMP208 = _register("CMP208", E, "measure cycle", "break the cycle between the measures")
CMP209 = _register("CMP209", E, "depends on an untranslated measure", "fix the component measure first")
CMP210 = _register("CMP210", E, "unsupported construct", "rewrite the construct, or write the SQL in the mapping")
CMP211 = _register("CMP211", E, "two or more toggles", "read one toggle per measure")
CMP212 = _register("CMP212", E, "measure not ready", "fix the measure in Power BI and export again")
CMP213 = _register("CMP213", W, "approximate: ALL / REMOVEFILTERS", "review and accept it (`accept_approximate`)")
CMP214 = _register("CMP214", E, "not additive under ALLSELECTED / ALL", "use SUM, COUNT, MIN or MAX under it")
CMP215 = _register("CMP215", E, "column outside an aggregate", "wrap the column in an aggregate")
CMP216 = _register("CMP216", E, "type mismatch", "convert explicitly (VALUE, FORMAT) in DAX")
CMP217 = _register("CMP217", E, "undocumented BLANK behaviour", "wrap the argument in COALESCE(x, 0)")
CMP218 = _register("CMP218", W, "calculation item cannot be applied", "none needed: the item is not offered")
CMP219 = _register("CMP219", I, "presentation measure", "none needed: the report builder styles its own visuals")
CMP220 = _register("CMP220", I, "constant measure", "none needed: use the value in the report builder")
CMP221 = _register("CMP221", W, "depends on an approximate measure",
                   "review the component's approximation, then accept this measure (`accept_approximate`)")
CMP240 = _register("CMP240", E, "lookup column the view is not declared to carry",
                   "add the `[sources.\"<fact>\".lookup_columns]` line the report prints, once the view carries it")
CMP241 = _register("CMP241", E, "filter or RELATED through an inactive relationship",
                   "filter a column of the fact table, or write the SQL in the mapping")
CMP242 = _register("CMP242", E, "filter or RELATED against the relationship's direction",
                   "filter a column of the fact table, or write the SQL in the mapping")
CMP243 = _register("CMP243", E, "filter or RELATED through a many-to-many relationship",
                   "filter a column of the fact table, or write the SQL in the mapping")
CMP230 = _register("CMP230", E, "comparison or MIN/MAX over a possible NaN", "use DIVIDE instead of `/`, or write the SQL")
CMP299 = _register("CMP299", E, "internal compiler error", "report it with the measure's DAX")

# --- CAT3xx: building the catalog -------------------------------------------------------------
CAT301 = _register("CAT301", W, "metric key taken", "pin a key: `[metrics.\"<measure>\"] key = \"...\"`")
CAT302 = _register("CAT302", W, "display folder is not a catalog category", "map it in `[categories]`")
CAT303 = _register("CAT303", W, "metric without a display folder", "give the measures a display folder")
CAT304 = _register("CAT304", I, "approximate translation awaits review", "accept it with `accept_approximate = true`")
CAT305 = _register("CAT305", W, "derived measure built on a non-metric", "make the component a metric first")
CAT306 = _register("CAT306", W, "metric without a data source", "declare a source that has the columns")
CAT307 = _register("CAT307", E, "variant for an unknown toggle or option", "a contract breach: report it")
CAT308 = _register("CAT308", W, "variant equal to the default", "none needed: no row is written")
CAT309 = _register("CAT309", W, "mapping names something the model does not have", "update or remove the entry")
CAT310 = _register("CAT310", W, "dimension key taken", "pin a key in `[dimensions]`")
CAT311 = _register("CAT311", W, "toggle or option key taken", "pin a key in `[toggles]`")
CAT312 = _register("CAT312", W, "toggle without a default option", "set `default` in `[toggles]`")
CAT313 = _register("CAT313", E, "report incomplete", "a contract breach: report it")
CAT314 = _register("CAT314", I, "SQL supplied by the mapping file", "none needed")
CAT315 = _register("CAT315", E, "no translation for a measure", "a contract breach: report it")
CAT316 = _register("CAT316", I, "measure not in the catalog", "see the measure's other reasons")
CAT317 = _register("CAT317", I, "generated key shortened", "pin a shorter key in the mapping file if you like")
CAT318 = _register("CAT318", W, "display name shortened", "set a display_name of at most 200 characters in the mapping")
CAT319 = _register("CAT319", W, "measure aggregates a calculated column",
                   "add the column to the view and declare it in the mapping, or give the SQL by hand")
CAT340 = _register("CAT340", I, "a report visual's field has no catalog counterpart",
                   "translate the measure or include the column as a dimension; see the report")
CAT341 = _register("CAT341", I, "a report visual became no widget", "none needed for decoration; rebuild it by hand")
CAT342 = _register("CAT342", W, "a report's model is not among the exports",
                   "export the model beside the report and connect the report to it by path")
CAT343 = _register("CAT343", W, "template key taken", "pin a key: `[templates.\"<page>\"] template_key = \"...\"`")
CAT330 = _register("CAT330", I, "metric declared equivalent on another view", "none needed: review the declaration")
CAT331 = _register("CAT331", W, "declared equivalence refused", "remove the declaration, or fix the view's columns")
CAT332 = _register("CAT332", W, "CALCULATE overrides an offered dimension",
                   "review it, then `accept_approximate = true`; or stop offering the dimension")
CAT393 = _register("CAT393", E, "mapping SQL is not one scalar expression",
                   "write one PostgreSQL aggregate expression over the view's columns")
# The mapping file's own format: reported by its reader (numbered with the catalog, which uses it).
CAT390 = _register("CAT390", E, "mapping file unreadable", "save translator.toml as UTF-8", Stage.READ)
CAT391 = _register("CAT391", E, "mapping file is not TOML", "fix the TOML syntax at the position given", Stage.READ)
CAT392 = _register("CAT392", E, "mapping file does not match its schema", "see docs/mapping.md", Stage.READ)
CAT320 = _register("CAT320", W, "unknown category in the mapping", "use one of the catalog's categories")
CAT335 = _register("CAT335", W, "view name from Power Query is not an identifier",
                   "name the view in the mapping: `[sources.\"T\"] source_key`")
CAT325 = _register("CAT325", W, "lookup column the view cannot carry",
                   "name a column of a table on the one side of an active relationship from the source")

# --- RDR4xx: reading exports ------------------------------------------------------------------
RDR401 = _register("RDR401", E, "path not found or unreadable", "pass an existing, readable path")
RDR402 = _register("RDR402", E, "no exports in the folder", "save an export into the folder")
RDR403 = _register("RDR403", E, "unknown file type", "remove the file, or export in a supported format")
RDR404 = _register("RDR404", E, "wrong text encoding", "save the export as UTF-8")
RDR405 = _register("RDR405", E, "broken JSON", "export the model again")
RDR406 = _register("RDR406", E, "truncated or corrupt archive", "copy or download the file again")
RDR407 = _register("RDR407", E, "bad TMDL indentation", "fix the line's indentation")
RDR408 = _register("RDR408", E, "TMDL syntax error", "fix the line")
RDR409 = _register("RDR409", E, "export does not have the expected structure", "export the model again")
RDR410 = _register("RDR410", E, "the file holds no model (live connection)", "export the dataset itself")
RDR411 = _register("RDR411", E, ".pbix model unreadable", "save as .pbit or a PBIP project instead")
RDR412 = _register("RDR412", E, "names that differ only in case", "rename one of the two objects in the model")
RDR413 = _register("RDR413", E, "not a regular file", "give a file or folder, not a FIFO or device")
RDR414 = _register("RDR414", E, "nested too deeply", "export the model again; real models nest far less")
RDR415 = _register("RDR415", E, "archive member too large", "export the model as TMDL or model.bim instead")
RDR416 = _register("RDR416", E, "invalid Unicode in a name or text", "fix the name in Power BI and export again")
RDR420 = _register("RDR420", W, "measure not ready", "fix the measure in Power BI and export again")
RDR421 = _register("RDR421", W, "relationship to an unknown column", "fix or remove the relationship")
RDR422 = _register("RDR422", I, "report part is not a model", "none needed")

# --- EMT5xx: the catalog's invariants (checked where each row is made; numbered when emit did) --
EMT501 = _register("EMT501", E, "value longer than its column", "pin a shorter key or name in the mapping", CATALOG)
EMT502 = _register("EMT502", E, "NUL character", "remove the character from the model", CATALOG)
EMT503 = _register("EMT503", E, "value of the wrong kind", "a bug in an earlier stage: report it", CATALOG)
EMT504 = _register("EMT504", E, "duplicate natural key", "pin distinct keys in the mapping", CATALOG)
EMT505 = _register("EMT505", E, "reference to a row the catalog does not contain", "a bug: report it", CATALOG)
EMT510 = _register("EMT510", E, "not a single SQL expression", "write one expression in the mapping's `sql`", CATALOG)
EMT511 = _register("EMT511", E, "comment in SQL", "remove the comment from the mapping's `sql`", CATALOG)
EMT512 = _register("EMT512", E, "column not in the metric's views", "read only the source view's columns", CATALOG)
EMT513 = _register("EMT513", E, "function not allowed", "use an allowed function", CATALOG)
EMT514 = _register("EMT514", E, "SQL construct not allowed", "remove the subquery, cast or construct", CATALOG)
EMT515 = _register("EMT515", E, "metric without a data source", "declare a source with the metric's columns", CATALOG)

# --- CLI6xx: command line and pipeline --------------------------------------------------------
CLI601 = _register("CLI601", E, "no such model", "choose a model with --model")
CLI602 = _register("CLI602", E, "nothing to compare", "run `translator build` and fix its errors")
CLI603 = _register("CLI603", E, "unreadable committed report", "rebuild output/ with `translator build`")
CLI604 = _register("CLI604", E, "nothing to verify", "run `translator build` and fix its errors")
CLI605 = _register("CLI605", E, "no such mapping file", "name an existing file with --mapping, or leave it out")
CLI606 = _register("CLI606", E, "committed output is stale", "run `translator build` and commit output/")
CLI607 = _register("CLI607", E, "cannot connect to the database", "check --dsn (a libpq URL or key=value string)")
CLI608 = _register("CLI608", E, "the database is not a scratch database",
                   "leave --dsn out, use an empty database, or pass --overwrite-scratch-database")
CLI609 = _register("CLI609", E, "no throwaway server", "install the PostgreSQL server binaries, or pass --dsn")
CLI610 = _register("CLI610", E, "the catalog does not load into the database", "use an empty database")

# --- PAR7xx: proving the catalog against Power BI (translator parity) ----------------------------
PAR701 = _register("PAR701", E, "nothing to ask", "run `translator build` and fix its errors")
PAR702 = _register("PAR702", E, "not a parity manifest", "regenerate the folder with `translator parity queries`")
PAR703 = _register("PAR703", E, "no answer for a query", "answer it, or pass --allow-missing")
PAR704 = _register("PAR704", E, "unreadable answer", "save the response body or DAX Studio's CSV as it came")
PAR705 = _register("PAR705", E, "Power BI refused the query, or the answer may be cut short",
                   "run that query in DAX Studio (no row limit) and save its CSV")
PAR706 = _register("PAR706", E, "the queries filter on another client", "pass the client id the queries were written for")
PAR707 = _register("PAR707", E, "cannot connect to the database", "check the --dsn URL")
PAR708 = _register("PAR708", E, "a probe answer we cannot pin", "check it is the answer to probe.dax as written")
PAR709 = _register("PAR709", E, "not the probe's answer", "answer probe.dax itself: one row")
