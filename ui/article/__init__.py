"""What every front end shares: reading what users hand in, the models of a process, and one
article's way through translation and summary."""

from .inputs import (
    ArticleInputError,
    ArticleText,
    clean_text,
    read_article_bytes,
    read_article_file,
    read_bounded,
)
from .models import LoadedModels
from .options import ArticleOptions, InvalidArticleOption
from .pipeline import article_stream, process_article
from .result import ArticleEvent, ArticleResult, Stage

__all__ = [
    "ArticleEvent",
    "ArticleInputError",
    "ArticleOptions",
    "ArticleResult",
    "ArticleText",
    "InvalidArticleOption",
    "LoadedModels",
    "Stage",
    "article_stream",
    "clean_text",
    "process_article",
    "read_article_bytes",
    "read_article_file",
    "read_bounded",
]
