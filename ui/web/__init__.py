"""The web page: Gradio, three panes, streaming, uploads and downloads, and the server around it
(REST API, health, readiness, metrics), which answers before Gradio is even imported."""

from .scratch import reserve_process_scratch

reserve_process_scratch()  # before anything imports gradio: see its docstring

from .gradio_api import API_NAME  # noqa: E402
from .server import WebServer, launch, serve  # noqa: E402

__all__ = ["API_NAME", "WebServer", "launch", "serve"]
