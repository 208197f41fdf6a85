"""What travels between the Ray driver and its actors: jobs as plain rows (paths made absolute,
so they mean the same in every worker), outcomes as rows, and their Arrow schemas."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .jobs import Job

if TYPE_CHECKING:
    import pyarrow

FATAL = "fatal"  # an outcome status that only travels between actor and driver


def job_rows(jobs: Iterable[Job]) -> list[dict[str, Any]]:
    """Jobs as plain rows; paths made absolute so they mean the same in every worker."""
    return [
        {
            "index": index,
            "name": job.name,
            "stem": str(job.stem.absolute()),
            "ext": job.ext,
            "source": None if job.source is None else str(job.source.absolute()),
            "data": job.data,
            "problem": job.problem,
            "target": job.target,
            "url": job.url,
        }
        for index, job in enumerate(jobs)
    ]


def row_job(row: dict[str, Any]) -> Job:
    return Job(
        name=row["name"],
        stem=Path(row["stem"]),
        ext=row["ext"],
        source=None if row["source"] is None else Path(row["source"]),
        data=row["data"],
        problem=row["problem"],
        target=row["target"],
        url=row.get("url"),
    )


def job_schema() -> pyarrow.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("index", pa.int64()),
            ("name", pa.string()),
            ("stem", pa.string()),
            ("ext", pa.string()),
            ("source", pa.string()),
            ("data", pa.binary()),
            ("problem", pa.string()),
            ("target", pa.string()),
            ("url", pa.string()),  # a link, fetched by the actor in its turn
        ]
    )


def outcome_schema() -> pyarrow.Schema:
    import pyarrow as pa

    return pa.schema(
        [
            ("index", pa.int64()),
            ("status", pa.string()),
            ("error", pa.string()),
            ("pieces", pa.int64()),
            ("seconds", pa.float64()),
            ("target", pa.string()),  # the language of the translation, as run_job settled it
            ("group", pa.int64()),  # how many articles were made together
            ("deferred", pa.bool_()),  # a link whose site is pausing after errors (Outcome.deferred)
        ]
    )


def outcome_fields(
    index: int,
    status: str,
    error: str | None,
    pieces: int = 0,
    seconds: float = 0.0,
    target: str | None = None,
    group: int = 1,
    deferred: bool = False,
) -> dict[str, Any]:
    return {
        "index": index, "status": status, "error": error, "pieces": pieces, "seconds": seconds,
        "target": target, "group": group, "deferred": deferred,
    }  # fmt: skip
