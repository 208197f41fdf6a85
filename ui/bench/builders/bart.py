"""Build real BART summarisation models with random weights, for tests and benchmarks.

Like ``marian`` for MarianMT: no hub is reachable here, so tests and benchmarks
use models built from the real transformers classes with distilbart-cnn's files, special
tokens and decoding defaults, either tiny or at the real distilbart-cnn-12-6 shape.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .marian import REAL_INIT_STD, TINY_INIT_STD, clean_lines, seeded_model, set_eos_logit_bias

# BART's special tokens and their ids; <mask> is always the last id.
BOS_TOKEN, PAD_TOKEN, EOS_TOKEN, UNK_TOKEN, MASK_TOKEN = "<s>", "<pad>", "</s>", "<unk>", "<mask>"
BOS_ID, PAD_ID, EOS_ID, UNK_ID = 0, 1, 2, 3
LEADING_SPECIAL_TOKENS = [BOS_TOKEN, PAD_TOKEN, EOS_TOKEN, UNK_TOKEN]  # in id order
DUMMY_TOKEN = "<dummy_{index}>"

VOCAB_JSON = "vocab.json"
TOKENIZER_CONFIG = "tokenizer_config.json"
# A pair must occur this often to become a merge: fewer one-off merges on small corpora.
BPE_MIN_FREQUENCY = 2


@dataclass(frozen=True)
class BartShape:
    """Architecture of a BART model; ``vocab_size`` None means "just the trained vocab"."""

    vocab_size: int | None = None
    d_model: int = 32
    encoder_layers: int = 2
    decoder_layers: int = 2
    encoder_attention_heads: int = 2
    decoder_attention_heads: int = 2
    encoder_ffn_dim: int = 64
    decoder_ffn_dim: int = 64
    max_position_embeddings: int = 1024
    activation_function: str = "gelu"
    bpe_vocab_size: int = 600  # byte-level BPE size to train (256 bytes + specials + merges)
    init_std: float = TINY_INIT_STD  # std of the random weights

    @classmethod
    def tiny(cls) -> BartShape:
        """Seconds to build; still 1024 positions so the long-text path is the real one."""
        return cls()

    @classmethod
    def distilbart_cnn_12_6(cls) -> BartShape:
        """sshleifer/distilbart-cnn-12-6: about 306 M parameters."""
        return cls(
            vocab_size=50264,
            d_model=1024,
            encoder_layers=12,
            decoder_layers=6,
            encoder_attention_heads=16,
            decoder_attention_heads=16,
            encoder_ffn_dim=4096,
            decoder_ffn_dim=4096,
            max_position_embeddings=1024,
            init_std=REAL_INIT_STD,
        )

    @classmethod
    def distilbart_cnn_12_3(cls) -> BartShape:
        """sshleifer/distilbart-cnn-12-3: the 12-6 with 3 decoder layers, about 255 M parameters."""
        return replace(cls.distilbart_cnn_12_6(), decoder_layers=3)


@dataclass(frozen=True)
class BartGeneration:
    """Decoding defaults written to generation_config.json (distilbart-cnn's by default)."""

    num_beams: int = 4
    min_length: int = 56
    max_length: int = 142
    length_penalty: float = 2.0
    no_repeat_ngram_size: int = 3
    early_stopping: bool = True


def bart_vocab(trained: dict[str, int], vocab_size: int | None = None) -> dict[str, int]:
    """BART's vocab.json: the trained BPE vocab (specials 0-3 first), dummies, <mask> last."""
    tokens = [token for token, _ in sorted(trained.items(), key=lambda item: item[1])]
    if tokens[: len(LEADING_SPECIAL_TOKENS)] != LEADING_SPECIAL_TOKENS:
        raise ValueError(f"the trained vocabulary must start with {LEADING_SPECIAL_TOKENS}")
    needed = len(tokens) + 1
    if vocab_size is not None:
        if vocab_size < needed:
            raise ValueError(f"vocab_size={vocab_size} is smaller than the {needed} trained tokens")
        tokens.extend(DUMMY_TOKEN.format(index=i) for i in range(vocab_size - needed))
    tokens.append(MASK_TOKEN)
    return {token: index for index, token in enumerate(tokens)}


def write_bart_tokenizer(directory: Path, lines: Sequence[str], shape: BartShape) -> int:
    """Train a byte-level BPE on ``lines``; write vocab.json, merges.txt, tokenizer_config.json.

    The files are those of the hub's distilbart-cnn (no tokenizer.json), so loading goes
    through the same vocab + merges path. Returns the vocabulary size.
    """
    from tokenizers import ByteLevelBPETokenizer

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        clean_lines(lines, "build_bart"),
        vocab_size=shape.bpe_vocab_size,
        min_frequency=BPE_MIN_FREQUENCY,
        special_tokens=LEADING_SPECIAL_TOKENS,
        show_progress=False,
    )
    bpe.save_model(str(directory))  # writes vocab.json and merges.txt
    vocab = bart_vocab(bpe.get_vocab(), shape.vocab_size)
    (directory / VOCAB_JSON).write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer_config = json.dumps({"model_max_length": shape.max_position_embeddings}, indent=2)
    (directory / TOKENIZER_CONFIG).write_text(tokenizer_config, encoding="utf-8")
    return len(vocab)


def bart_config(shape: BartShape, vocab_size: int) -> Any:
    """A BartConfig with BART's special ids and the layer-norm flags converters read."""
    from transformers import BartConfig

    config = BartConfig(
        vocab_size=vocab_size,
        d_model=shape.d_model,
        encoder_layers=shape.encoder_layers,
        decoder_layers=shape.decoder_layers,
        encoder_attention_heads=shape.encoder_attention_heads,
        decoder_attention_heads=shape.decoder_attention_heads,
        encoder_ffn_dim=shape.encoder_ffn_dim,
        decoder_ffn_dim=shape.decoder_ffn_dim,
        max_position_embeddings=shape.max_position_embeddings,
        activation_function=shape.activation_function,
        init_std=shape.init_std,
        scale_embedding=False,
        bos_token_id=BOS_ID,
        pad_token_id=PAD_ID,
        eos_token_id=EOS_ID,
        decoder_start_token_id=EOS_ID,
        forced_eos_token_id=EOS_ID,
    )
    # transformers 5 no longer writes these, but real BART configs have them and the
    # CTranslate2 4.x converter reads config.normalize_before (AttributeError without it).
    config.normalize_before = False
    config.add_final_layer_norm = False
    config.normalize_embedding = True
    return config


def bart_generation_config(generation: BartGeneration) -> Any:
    """Summarisation defaults; BART starts decoding from </s> and then forces <s>."""
    from transformers import GenerationConfig

    return GenerationConfig(
        num_beams=generation.num_beams,
        min_length=generation.min_length,
        max_length=generation.max_length,
        length_penalty=generation.length_penalty,
        no_repeat_ngram_size=generation.no_repeat_ngram_size,
        early_stopping=generation.early_stopping,
        bos_token_id=BOS_ID,
        pad_token_id=PAD_ID,
        eos_token_id=EOS_ID,
        decoder_start_token_id=EOS_ID,
        forced_bos_token_id=BOS_ID,
        forced_eos_token_id=EOS_ID,
    )


def new_bart_model(
    shape: BartShape,
    vocab_size: int,
    seed: int = 0,
    generation: BartGeneration = BartGeneration(),
    eos_logit_bias: float = 0.0,
) -> Any:
    """An in-memory random BartForConditionalGeneration (e.g. for parameter counts)."""
    from transformers import BartForConditionalGeneration

    model = seeded_model(BartForConditionalGeneration, bart_config(shape, vocab_size), seed)
    set_eos_logit_bias(model, EOS_ID, eos_logit_bias)
    model.generation_config = bart_generation_config(generation)
    return model


def build_bart(
    directory: Path,
    lines: Sequence[str],
    shape: BartShape = BartShape.tiny(),
    seed: int = 0,
    *,
    generation: BartGeneration = BartGeneration(),
    eos_logit_bias: float = 0.0,
) -> Path:
    """Save a random-weight BartForConditionalGeneration and its tokenizer into ``directory``.

    The directory loads with ``from_pretrained`` exactly like a downloaded distilbart-cnn.
    ``eos_logit_bias``: see ``marian.set_eos_logit_bias``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    vocab_size = write_bart_tokenizer(directory, lines, shape)
    model = new_bart_model(shape, vocab_size, seed, generation, eos_logit_bias)
    model.save_pretrained(str(directory))
    return directory
