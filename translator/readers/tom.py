"""Tabular Object Model vocabulary shared by every reader.

Binary exports (.pbix metadata, DMV dumps) carry TOM enums as numbers; TMSL and TMDL spell them
as camelCase names, in any letter case. Readers normalise both to the TOM names below, so that
the same model read from any format compares equal.
"""

from __future__ import annotations

from translator.model.semantic import Cardinality, Relationship

# The model's data type when the export does not say (TOM's DataType.Automatic: inferred).
AUTOMATIC = "automatic"

DATA_TYPES = {1: AUTOMATIC, 2: "string", 6: "int64", 8: "double", 9: "dateTime", 10: "decimal",
              11: "boolean", 17: "binary", 19: "unknown", 20: "variant"}
SUMMARIZE_BY = {1: "default", 2: "none", 3: "sum", 4: "min", 5: "max", 6: "count", 7: "average",
                8: "distinctCount"}
CROSS_FILTERING = {1: "oneDirection", 2: "bothDirections", 3: "automatic"}
CARDINALITY = {0: "none", 1: "one", 2: "many"}  # TOM RelationshipEndCardinality
OBJECT_STATES = {1: "Ready", 3: "NoData", 4: "CalculationNeeded", 5: "SemanticError",
                 6: "EvaluationError", 7: "DependencyError", 8: "Incomplete", 9: "SyntaxError",
                 10: "ForceCalculationNeeded"}
# Partition source types (TOM PartitionSourceType).
PARTITION_QUERY, PARTITION_CALCULATED, PARTITION_M, PARTITION_CALCULATION_GROUP = 1, 2, 4, 7
# Column types (TOM ColumnType); row-number columns are internal and never read.
COLUMN_DATA, COLUMN_CALCULATED, COLUMN_ROW_NUMBER, COLUMN_CALCULATED_TABLE = 1, 2, 3, 4

FIELD_PARAMETER_PROPERTY = "ParameterMetadata"
READY = "Ready"


def _canonical(names: dict[int, str]) -> dict[str, str]:
    """Each name, folded and as spelled, to its TOM spelling."""
    return {**{name.casefold(): name for name in names.values()}, **{name: name for name in names.values()}}


_DATA_TYPE_NAMES = _canonical(DATA_TYPES)
_SUMMARIZE_NAMES = _canonical(SUMMARIZE_BY)
_CROSS_FILTERING_NAMES = _canonical(CROSS_FILTERING)
_CARDINALITY_NAMES = _canonical(CARDINALITY)
_STATE_NAMES = _canonical(OBJECT_STATES)


def data_type(value: object) -> str:
    return _name(value, DATA_TYPES, _DATA_TYPE_NAMES) or AUTOMATIC


def summarize_by(value: object) -> str | None:
    return _name(value, SUMMARIZE_BY, _SUMMARIZE_NAMES)


def cross_filtering(value: object) -> str:
    return _name(value, CROSS_FILTERING, _CROSS_FILTERING_NAMES) or "oneDirection"


def cardinality(value: object, default: Cardinality) -> Cardinality:
    """A relationship end's cardinality (fromCardinality / toCardinality); `default` when the
    export does not say (TOM: from many, to one) or says None."""
    name = _name(value, CARDINALITY, _CARDINALITY_NAMES)
    return Cardinality(name) if name in ("one", "many") else default


def relationship(from_table: str, from_column: str, to_table: str, to_column: str, *, from_cardinality: object,
                 to_cardinality: object, **rest) -> Relationship:
    """A relationship as the model holds it: a one-to-many one (from one, to many) is turned round,
    so that `to_table` is the one side of every relationship but a many-to-many one."""
    ends = cardinality(from_cardinality, Cardinality.MANY), cardinality(to_cardinality, Cardinality.ONE)
    if ends == (Cardinality.ONE, Cardinality.MANY):
        return Relationship(to_table, to_column, from_table, from_column, from_cardinality=Cardinality.MANY,
                            to_cardinality=Cardinality.ONE, **rest)
    return Relationship(from_table, from_column, to_table, to_column, from_cardinality=ends[0],
                        to_cardinality=ends[1], **rest)


def state(value: object) -> str | None:
    """The engine's state of a measure, None when it is Ready or the export does not say."""
    name = _name(value, OBJECT_STATES, _STATE_NAMES)
    return None if name in (None, READY) else name


def _name(value: object, by_number: dict[int, str], by_name: dict[str, str]) -> str | None:
    """A TOM enum value given as a number, a numeric string or a name (any case)."""
    if value.__class__ is str and value in by_name:  # spelled as TOM does, or folded: most text
        return by_name[value]
    if value is None or value == "":
        return None
    if isinstance(value, bool) or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (int, float)):
        return by_number.get(int(value), str(int(value)))
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return by_number.get(int(text), text)
    return by_name.get(text.casefold(), text)
