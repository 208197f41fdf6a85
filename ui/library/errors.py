"""The library's errors, each saying what to do, with the HTTP and exit status a front end
reports."""

from __future__ import annotations

from passerelle.translate.errors import PasserelleError


class LibraryError(PasserelleError):
    """Something the library cannot do as asked."""


class FeedExistsError(LibraryError, ValueError):
    http_status = 409
    exit_code = 2

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        super().__init__(f"a feed named {name!r} already exists ({url}); choose another name or remove it first")


class FeedNotFoundError(LibraryError, LookupError):
    http_status = 404
    exit_code = 2

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        listed = ", ".join(known) if known else "none yet"
        super().__init__(f"no feed named {name!r} (feeds: {listed})")


class ArticleNotFoundError(LibraryError, KeyError):
    """No article by that id (a KeyError, so ``except KeyError`` catches it too)."""

    http_status = 404
    exit_code = 2

    def __init__(self, article_id: int) -> None:
        self.article_id = article_id
        super().__init__(f"no article {article_id} in the library (it may have been deleted)")

    def __str__(self) -> str:  # KeyError would print the repr of its argument
        return str(self.args[0])


class InvalidArticleError(LibraryError, ValueError):
    """The result handed to ``save_article`` is not an article result."""

    http_status = 400
    exit_code = 2
