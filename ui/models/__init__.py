"""``passerelle models``: where each model stands (downloaded, converted, where, how big) and
fetching them ahead of time, so a server starts ready and works offline."""

from .catalog import ModelEntry, entries, render
from .pull import pull

__all__ = ["ModelEntry", "entries", "pull", "render"]
