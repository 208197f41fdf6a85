"""The web page: Gradio, three panes, streaming, uploads and downloads."""

from .scratch import reserve_process_scratch

reserve_process_scratch()  # before anything imports gradio: see its docstring

from .api import API_NAME  # noqa: E402
from .app import build_app  # noqa: E402
from .server import WebServer, launch, serve  # noqa: E402

__all__ = ["API_NAME", "WebServer", "build_app", "launch", "serve"]
