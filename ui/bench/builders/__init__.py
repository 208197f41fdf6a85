"""Real MarianMT and BART models with random weights, tiny (for tests) or at the real models'
shapes (for the benchmark), saved like downloaded ones."""

from .bart import BartGeneration, BartShape, build_bart, new_bart_model
from .marian import MarianShape, build_marian, new_marian_model, train_sentencepiece

__all__ = [
    "BartGeneration",
    "BartShape",
    "MarianShape",
    "build_bart",
    "build_marian",
    "new_bart_model",
    "new_marian_model",
    "train_sentencepiece",
]
