"""Which sentences of an article a summary rests on, so a reader can check the summary
against the original: news summarisers such as distilbart-cnn mostly reuse the article's own
phrasing, so each summary sentence is traced to the article sentence sharing most of its words."""

from __future__ import annotations

import re
from collections.abc import Sequence

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# Words that carry no content: a shared "the" says nothing about where a sentence came from.
STOPWORDS = frozenset(
    """a about after against all also an and any are as at be because been before being but by
    can could did do does during for from had has have he her here hers him his how i if in into is
    it its itself just me more most my no not of on once only or other our out over own said says
    she so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you
    your""".split()
)
# A summary sentence is traced only when that share of its content words is in one sentence.
MIN_SHARED = 0.5


def content_words(text: str) -> set[str]:
    """Lower-cased words of ``text`` minus stopwords; numbers count (they are facts)."""
    return {word for word in (w.lower() for w in WORD.findall(text)) if word not in STOPWORDS}


def key_sentences(summary_sentences: Sequence[str], sentences: Sequence[str], min_shared: float = MIN_SHARED) -> list[int]:
    """Indices (sorted, unique) of the article's ``sentences`` the summary rests on.

    Each summary sentence goes to the article sentence with the best overlap (F1 of shared
    content words), if that sentence holds at least ``min_shared`` of the summary sentence's
    content words; a summary sentence made of new words (an abstractive rewording) is traced
    to nothing rather than to a guess.
    """
    article = [content_words(sentence) for sentence in sentences]
    found: set[int] = set()
    for summary_sentence in summary_sentences:
        words = content_words(summary_sentence)
        if not words:
            continue
        best, best_score = None, 0.0
        for index, candidate in enumerate(article):
            shared = len(words & candidate)
            if not shared or shared < min_shared * len(words):
                continue
            score = 2 * shared / (len(words) + len(candidate))
            if score > best_score:
                best, best_score = index, score
        if best is not None:
            found.add(best)
    return sorted(found)
