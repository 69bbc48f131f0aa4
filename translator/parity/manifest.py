"""`parity queries`: the question folder. DIR/manifest.json lists every query with its DAX and SQL;
DIR/<id>.dax holds each DAX query alone (paste it into DAX Studio, or send it to executeQueries);
DIR/probe.dax asks Power BI the BLANK questions the documentation leaves open.

The manifest is read back by `parity compare`: it is the contract between the two commands.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translator.diagnostics import InputError, SourceLocation, codes, report
from translator.parity.questions import ROW_LIMIT, VALUE_KEY, QuestionSet, ask
from translator.parity.render import dax_query, sql_text

MANIFEST = "manifest.json"
PROBE = "probe.dax"
FORMAT = "translator-parity/1"
CANNOT_ASK = codes.PAR701  # the build stops with errors: no catalog to ask about
BAD_MANIFEST = codes.PAR702  # the manifest is missing or not ours


@dataclass(frozen=True, slots=True)
class ManifestQuery:
    id: str
    metric_key: str
    variant: str
    toggles: dict[str, str]
    dimension: str | None
    dax: str
    sql: str
    key: str | None  # the dimension's column key in an answer (None: the grand total)
    kind: str | None  # text | number | date | boolean

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "metric_key": self.metric_key, "variant": self.variant,
                "toggles": self.toggles, "dimension": self.dimension, "dax": self.dax,
                "sql": self.sql, "key": self.key, "kind": self.kind, "value_key": VALUE_KEY}


@dataclass(frozen=True, slots=True)
class Manifest:
    queries: tuple[ManifestQuery, ...]
    client_id: int | None
    skipped: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "client_id": self.client_id,
            "row_limit": ROW_LIMIT,
            "probe": PROBE,
            "queries": [q.to_json() for q in self.queries],
            "skipped": list(self.skipped),
        }


def manifest_of(questions: QuestionSet) -> Manifest:
    queries = tuple(
        ManifestQuery(
            id=q.id, metric_key=q.metric_key, variant=q.variant, toggles=dict(q.toggles),
            dimension=q.dimension, dax=dax_query(q), sql=sql_text(q),
            key=q.grouping.key if q.grouping else None, kind=q.grouping.kind if q.grouping else None,
        )
        for q in questions.questions
    )
    skipped = tuple({"metric_key": s.metric_key, "dimension": s.dimension, "reason": s.reason}
                    for s in questions.skipped)
    return Manifest(queries, questions.client_id, skipped)


def plan_questions(exports: Path, client_id: int | None = None) -> QuestionSet:
    from translator.pipeline import plan

    planned = plan(exports)
    if not planned.ok:
        raise InputError(report(CANNOT_ASK, "the build stops with errors, so there is no catalog to ask "
                                "about: run `translator build` to see them", SourceLocation(str(exports))))
    return ask(planned.catalog, planned.compiled, client_id)


def write_queries(exports: Path, out: Path, client_id: int | None = None) -> Manifest:
    """Write the question folder; returns what it wrote. Files of earlier runs that this run does
    not write again are removed only if they are query files the old manifest listed."""
    from translator.parity.probe import probe_dax

    questions = plan_questions(exports, client_id)
    manifest = manifest_of(questions)
    out.mkdir(parents=True, exist_ok=True)
    old = _listed_files(out)
    files = {f"{q.id}.dax": q.dax for q in manifest.queries}
    files[PROBE] = probe_dax(questions.numeric_column)
    files[MANIFEST] = json.dumps(manifest.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    for name in sorted(old - set(files)):
        (out / name).unlink(missing_ok=True)
    for name, text in sorted(files.items()):
        (out / name).write_text(text, encoding="utf-8", newline="\n")
    return manifest


def _listed_files(out: Path) -> set[str]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {f"{q['id']}.dax" for q in data["queries"] if isinstance(q.get("id"), str)
                and "/" not in q["id"] and "\\" not in q["id"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()


def read_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST
    where = SourceLocation(str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(report(BAD_MANIFEST, f"no {MANIFEST} in {folder}: run `translator parity queries "
                                f"--out {folder}` first", where))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise InputError(report(BAD_MANIFEST, f"cannot read the manifest: {err}", where))
    if not isinstance(data, Mapping) or data.get("format") != FORMAT or not isinstance(data.get("queries"), list):
        raise InputError(report(BAD_MANIFEST, f"not a parity manifest (expected \"format\": \"{FORMAT}\" "
                                "and a \"queries\" list)", where))
    queries = []
    for n, item in enumerate(data["queries"]):
        try:
            queries.append(ManifestQuery(
                id=_text(item["id"]), metric_key=_text(item["metric_key"]), variant=_text(item["variant"]),
                toggles={str(k): str(v) for k, v in dict(item["toggles"]).items()},
                dimension=item.get("dimension"), dax=_text(item["dax"]), sql=_text(item["sql"]),
                key=item.get("key"), kind=item.get("kind"),
            ))
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(report(BAD_MANIFEST, f"query {n} of the manifest is malformed ({err})", where))
        if "/" in queries[-1].id or "\\" in queries[-1].id or queries[-1].id.startswith("."):
            raise InputError(report(BAD_MANIFEST, f"query id {queries[-1].id!r} is not a file name", where))
    client_id = data.get("client_id")
    if client_id is not None and (not isinstance(client_id, int) or isinstance(client_id, bool)):
        raise InputError(report(BAD_MANIFEST, "client_id must be an integer or null", where))
    return Manifest(tuple(queries), client_id, tuple(data.get("skipped") or ()))


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value
