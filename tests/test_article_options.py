"""An article request is checked once, by ArticleOptions, with one set of limits: every front
end refuses the same values, each in its own words."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from passerelle.summarize import LENGTH_PRESETS
from passerelle.translate import InvalidOptionError
from passerelle.ui.article import ArticleOptions, InvalidArticleOption
from passerelle.ui.article.options import MAX_BEAMS
from passerelle.ui.cli import main
from passerelle.ui.config import AppConfig
from passerelle.ui.web.options import article_options

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "values, option, listed",
    [
        ({"source": "de"}, "source", "fr, en, auto"),
        ({"summary_length": "epic"}, "summary_length", ", ".join(LENGTH_PRESETS)),
        ({"num_beams": 0}, "num_beams", f"between 1 (greedy) and {MAX_BEAMS}"),
        ({"num_beams": MAX_BEAMS + 1}, "num_beams", f"between 1 (greedy) and {MAX_BEAMS}"),
        ({"alternatives": -1}, "alternatives", "between 0 and 3"),
        ({"alternatives": 4}, "alternatives", "between 0 and 3"),
        ({"alternatives": 5, "max_alternatives": 4}, "alternatives", "between 0 and 4"),
    ],
)
def test_a_value_out_of_range_is_refused_with_the_valid_ones(values: dict[str, object], option: str, listed: str) -> None:
    with pytest.raises(InvalidArticleOption, match=re.escape(listed)) as caught:
        ArticleOptions(**values)  # type: ignore[arg-type]
    assert caught.value.option == option and isinstance(caught.value, InvalidOptionError)


def test_the_bounds_themselves_are_valid_and_a_changed_copy_is_checked_again() -> None:
    options = ArticleOptions(num_beams=MAX_BEAMS, alternatives=3, source="auto", summary_length="long")
    assert options.generation() == {"num_beams": MAX_BEAMS, "num_return_sequences": 4}
    assert replace(options, source="en").source == "en"
    with pytest.raises(InvalidArticleOption):
        replace(options, source="it")


def test_the_page_says_what_the_limits_say() -> None:
    pytest.importorskip("gradio")
    config = AppConfig()
    assert article_options(config, "none", MAX_BEAMS).summarize is False
    with pytest.raises(Exception, match=rf"between 1 \(greedy\) and {MAX_BEAMS}"):
        article_options(config, "short", MAX_BEAMS + 1)
    with pytest.raises(Exception, match="summary length must be one of"):
        article_options(config, "epic", None)


def test_the_command_caps_beams_as_the_page_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text("Le maire a parlé.", encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main(["translate", str(tmp_path / "a.txt"), "--output", str(tmp_path / "out"), "--beams", str(MAX_BEAMS + 1)])
    assert caught.value.code == 2
    assert f"--beams: beams must be between 1 (greedy) and {MAX_BEAMS}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # refused before anything is made
