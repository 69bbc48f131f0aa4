"""Real-shaped models written the way Power BI Desktop (TMDL) and pbi-tools write them.

Each one carries a detail that stopped whole builds of public exports (issue "Real models build"):
measure names that are whole sentences (a table of localized UI labels), a measure in a separate
measures-only "Metrics" table counting a column of another table, a measure that aggregates a
calculated column, a KPI whose status expression continues one level below itself, and names that
differ only in case. The helpers return where each interesting measure's expression starts,
counted from the text written here, so tests never take a position from the program's output.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.readers.writers import write_bim, write_pbit, write_pbitools
from translator.readers import read_exports

# Sentence-long names, as a table of UI labels holds them (each one > 100 characters as a key).
LABEL_ONE = ("Number of customers who placed at least one order in the selected period and were not "
             "refunded within thirty days of their first purchase")
LABEL_TWO = LABEL_ONE + ", excluding internal test accounts and orders paid with gift cards"
LONG_LABEL = " ".join([LABEL_TWO] * 3)  # longer than display_name VARCHAR(200) too
CAPACITY_COUNT = "Capacity Count"
GROSS_PROFIT = "Gross Profit Total"
KPI_MEASURE = "Sales Amount"

_DATABASE = "database Contoso\n\tcompatibilityLevel: 1567\n"
_MODEL = ("model Model\n\tculture: en-US\n\tdefaultPowerBIDataSourceVersion: powerBI_V3\n\n"
          "ref table Sales\nref table capacities\nref table Metrics\nref table Labels\n")


def _partition(table: str, view: str) -> str:
    return (f"\tpartition {table} = m\n\t\tmode: import\n\t\tsource =\n\t\t\t\tlet\n"
            f"\t\t\t\t    Source = PostgreSQL.Database(\"warehouse\", \"beast\"),\n"
            f"\t\t\t\t    View = Source{{[Schema=\"reporting\",Item=\"{view}_\" & ClientId]}}[Data]\n"
            f"\t\t\t\tin\n\t\t\t\t    View\n")


def _column(name: str, data_type: str, summarize: str = "none") -> str:
    quoted = f"'{name}'" if " " in name else name
    return (f"\tcolumn {quoted}\n\t\tdataType: {data_type}\n\t\tlineageTag: {name}-tag\n"
            f"\t\tsummarizeBy: {summarize}\n\t\tsourceColumn: {name}\n\n")


SALES = (
    "/// Order lines, one row per line\n"
    "table Sales\n\tlineageTag: sales-tag\n\n"
    f"\tmeasure '{KPI_MEASURE}' = SUM(Sales[amount])\n"
    "\t\tformatString: #,0.00\n\t\tdisplayFolder: Sales\n\t\tlineageTag: m1\n\n"
    "\t\tkpi\n"
    "\t\t\ttargetExpression = 100000\n"
    "\t\t\tstatusGraphic: Traffic Light - Single\n"
    "\t\t\tstatusExpression =\n"
    "\t\t\t\tVAR x = [Sales Amount]\n"
    "\t\t\t\tRETURN\n"
    "\t\t\t\t\tIF(ISBLANK(x), BLANK(), IF(x < 40000, -1, IF(x < 80000, 0, 1)))\n"
    "\t\t\ttrendExpression =\n"
    "\t\t\t\t0\n\n"
    "\tmeasure Quantity = SUM(Sales[quantity])\n"
    "\t\tformatString: #,0\n\t\tdisplayFolder: Sales\n\t\tlineageTag: m2\n\n"
    f"\tmeasure '{GROSS_PROFIT}' = SUM(Sales[Gross Profit])\n"
    "\t\tformatString: #,0.00\n\t\tdisplayFolder: Sales\n\t\tlineageTag: m3\n\n"
    + _column("client_id", "int64") + _column("order_date", "dateTime") + _column("amount", "decimal", "sum")
    + _column("quantity", "int64", "sum") + _column("cost", "decimal", "sum")
    + "\tcolumn 'Gross Profit' = Sales[amount] - Sales[cost]\n\t\tdataType: decimal\n"
      "\t\tlineageTag: gp-tag\n\t\tsummarizeBy: sum\n\n"
    + _partition("Sales", "sales")
)
CAPACITIES = (
    "table capacities\n\tlineageTag: cap-tag\n\n"
    + _column("client_id", "int64") + _column("CapacityId", "string") + _column("Region", "string")
    + _partition("capacities", "capacities")
)
_ENTER_DATA = (
    "\tcolumn Column1\n\t\tdataType: string\n\t\tisHidden\n\t\tlineageTag: c1-tag\n\t\tsummarizeBy: none\n"
    "\t\tsourceColumn: Column1\n\n"
    "\tpartition {table} = m\n\t\tmode: import\n\t\tsource =\n\t\t\t\tlet\n"
    "\t\t\t\t    Source = Table.FromRows(Json.Document(Binary.Decompress(Binary.FromText(\"i44FAA==\", "
    "BinaryEncoding.Base64), Compression.Deflate)), let _t = ((type nullable text) meta [Serialized.Text = true]) "
    "in type table [Column1 = _t])\n\t\t\t\tin\n\t\t\t\t    Source\n"
)
# A measures-only table: Power BI users keep their measures apart from the data this way (an
# "Enter data" table with one hidden column).
METRICS = (
    "table Metrics\n\tlineageTag: metrics-tag\n\n"
    f"\tmeasure '{CAPACITY_COUNT}' = COUNT(capacities[CapacityId])\n"
    "\t\tformatString: #,0\n\t\tdisplayFolder: Capacity\n\t\tlineageTag: m4\n\n"
    + _ENTER_DATA.format(table="Metrics")
)
LABELS = (
    "/// Localized UI labels: every measure is named by the sentence it shows\n"
    "table Labels\n\tlineageTag: labels-tag\n\n"
    f"\tmeasure '{LABEL_ONE}' = DISTINCTCOUNT(Sales[client_id])\n"
    "\t\tformatString: #,0\n\t\tdisplayFolder: Sales\n\t\tlineageTag: l1\n\n"
    f"\tmeasure '{LABEL_TWO}' = SUM(Sales[quantity])\n"
    "\t\tformatString: #,0\n\t\tdisplayFolder: Sales\n\t\tlineageTag: l2\n\n"
    f"\tmeasure '{LONG_LABEL}' = SUM(Sales[amount])\n"
    "\t\tformatString: #,0\n\t\tdisplayFolder: Sales\n\t\tlineageTag: l3\n\n"
    + _ENTER_DATA.format(table="Labels")
)
RELATIONSHIPS = ("relationship r1\n\tfromColumn: Sales.client_id\n\ttoColumn: capacities.client_id\n"
                 "\tcrossFilteringBehavior: bothDirections\n\tisActive: false\n")
TABLE_FILES = {"Sales.tmdl": SALES, "capacities.tmdl": CAPACITIES, "Metrics.tmdl": METRICS,
               "Labels.tmdl": LABELS}


@dataclass(frozen=True)
class Written:
    exports: Path  # the folder of exports
    export: str  # the export's name inside it


def expression_at(text: str, measure: str) -> tuple[int, int]:
    """(line, column), 1-based, where `measure`'s expression starts in TMDL `text`."""
    quoted = "'" + measure.replace("'", "''") + "'" if any(c in measure for c in " '%,()") else measure
    head = f"\tmeasure {quoted} = "
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(head):
            return number, len(head) + 1
    raise AssertionError(f"no measure {measure!r} in the text")


def write_tmdl(exports: Path, name: str = "Contoso", suffix: str = ".SemanticModel",
               tables: dict[str, str] | None = None) -> Written:
    definition = exports / f"{name}{suffix}" / "definition"
    (definition / "tables").mkdir(parents=True)
    (definition / "database.tmdl").write_text(_DATABASE, encoding="utf-8")
    (definition / "model.tmdl").write_text(_MODEL, encoding="utf-8")
    (definition / "relationships.tmdl").write_text(RELATIONSHIPS, encoding="utf-8")
    for file, text in (tables or TABLE_FILES).items():
        (definition / "tables" / file).write_text(text, encoding="utf-8")
    (exports / f"{name}{suffix}" / "definition.pbism").write_text('{"version": "4.0"}', encoding="utf-8")
    return Written(exports, f"{name}{suffix}")


def tmdl_file(written: Written, table_file: str) -> str:
    return f"{written.export}/definition/tables/{table_file}"


def write_format(kind: str, exports: Path, scratch: Path) -> Written:
    """The real-shaped model in one more format, converted from the TMDL one by the test writers."""
    source = write_tmdl(scratch / "tmdl")
    (model,), _ = read_exports(source.exports / source.export)
    exports.mkdir(parents=True, exist_ok=True)
    match kind:
        case "tmdl":
            shutil.copytree(source.exports / source.export, exports / source.export)
            return Written(exports, source.export)
        case "dataset":
            folder = exports / "Contoso.Dataset"
            folder.mkdir()
            write_bim(model, folder / "model.bim")
            return Written(exports, "Contoso.Dataset")
        case "bim":
            write_bim(model, exports / "Contoso.bim")
            return Written(exports, "Contoso.bim")
        case "pbit":
            write_pbit(model, exports / "Contoso.pbit")
            return Written(exports, "Contoso.pbit")
        case "pbitools":
            write_pbitools(model, exports / "Contoso")
            return Written(exports, "Contoso")
    raise AssertionError(kind)
