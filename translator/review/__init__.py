"""Review: the committed output against a build now. `check` (byte for byte) and `diff` (what
would change in the catalog) read the committed folder back; the pipeline itself never does."""

from translator.review.check import CheckResult, check, stale_files
from translator.review.diff import CatalogChanges, MetricFacts, compare_facts, diff

__all__ = ["CatalogChanges", "CheckResult", "MetricFacts", "check", "compare_facts", "diff", "stale_files"]
