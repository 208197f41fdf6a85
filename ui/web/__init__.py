"""The web page: Gradio, three panes, streaming, uploads and downloads."""

from .api import API_NAME
from .app import build_app, launch, serve

__all__ = ["API_NAME", "build_app", "launch", "serve"]
