"""verify: load the catalog into a real PostgreSQL and compare every metric with the reference.

For a database named by a URL: apply the schema and the seed; create each data source's view
(`reporting.<source_key>_<client_id>`, as a table) holding generated rows; read the catalog back
from the database; then, for every metric, on every source the junction links it to, at its
default and at every toggle option it depends on, run the SQL the query engine would run
(`translator.resolve`) and compare it, group by group, with the reference evaluator given the
same rows and the slicer set to that option.
"""

from __future__ import annotations

from translator.verify.run import Check, VerifyResult, verify

__all__ = ["Check", "VerifyResult", "verify"]
