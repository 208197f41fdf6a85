"""The batch script: files in, translations out, here or on a Ray cluster."""

from .files import remove_stale_parts
from .jobs import Job, Outcome, Status, check_writable, discover, exit_status
from .local import run_job, run_local

__all__ = ["Job", "Outcome", "Status", "check_writable", "discover", "exit_status", "remove_stale_parts", "run_job", "run_local"]
