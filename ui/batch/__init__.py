"""The batch script: files in (French, English, or either, detected), translations into the
other language out, here or on a Ray cluster."""

from .files import remove_stale_parts
from .jobs import SOURCES, Job, Outcome, Status, check_writable, discover, exit_status, output_target
from .local import run_local
from .single import run_job

__all__ = [
    "SOURCES",
    "Job",
    "Outcome",
    "Status",
    "check_writable",
    "discover",
    "exit_status",
    "output_target",
    "remove_stale_parts",
    "run_job",
    "run_local",
]
