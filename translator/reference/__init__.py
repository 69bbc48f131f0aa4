"""Reference DAX evaluator: the oracle the SQL translations are tested against.

It evaluates the DAX AST (translator.dax.ast) on pandas frames with DAX semantics (filter context,
context transition, BLANK rules, case-insensitive text) and shares no code with the compiler.

Public API:
- evaluate_measure(parsed, measure, frames, group_by=(), report_filters=None, slicers=None)
- evaluate(expr, frames, parsed=None, group_by=(), report_filters=None, slicers=None)
- prepare(frames, parsed) -> the frames read once; pass it as `frames` to evaluate many times
Both return {group key tuple: value}, one entry per group (BLANK is None); `()` is the only key
without group_by. Frames are keyed by model table name and use model column names (matched
ignoring case); None and NaN cells are BLANK. Columns are named `Table[Column]` or
`'Table'[Column]`.
"""

from translator.reference.api import evaluate, evaluate_measure, parse_column, prepare  # noqa: F401
from translator.reference.values import EvaluationError  # noqa: F401
