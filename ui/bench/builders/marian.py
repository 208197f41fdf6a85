"""Build real MarianMT models with random weights, for tests and benchmarks.

No model hub is reachable where Passerelle is built and tested, so the product's loading,
tokenising, generation and conversion code is exercised on models built here: the same
transformers classes, files and special-token layout as Helsinki-NLP/opus-mt-*, either tiny
(fast tests) or at the real opus-mt-fr-en shape (speed and memory benchmarks).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Marian's layout of the shared vocabulary: </s> first, <unk> second, <pad> always last.
EOS_TOKEN = "</s>"
UNK_TOKEN = "<unk>"
PAD_TOKEN = "<pad>"
EOS_ID = 0
UNK_ID = 1
DUMMY_TOKEN = "<dummy_{index}>"

SOURCE_SPM = "source.spm"
TARGET_SPM = "target.spm"
VOCAB_JSON = "vocab.json"

# Headroom above the number of distinct characters, which SentencePiece needs as a minimum.
SPM_CHAR_HEADROOM = 8
# Decoding defaults shipped with opus-mt models (generation_config.json).
OPUS_MT_NUM_BEAMS = 4

# Weight init. The real models' init_std (0.02) is right for same-shape benchmarks, but in a
# tiny model it makes every input decode to the same output: the token embeddings are swamped
# by the positions and cross-attention barely reaches the decoder, so a test could not tell
# one sentence's translation from another's. A larger std makes outputs depend on the input.
REAL_INIT_STD = 0.02
TINY_INIT_STD = 0.5


@dataclass(frozen=True)
class MarianShape:
    """Architecture of a MarianMT model; ``vocab_size`` None means "just the trained vocab"."""

    vocab_size: int | None = None
    d_model: int = 32
    encoder_layers: int = 2
    decoder_layers: int = 2
    encoder_attention_heads: int = 2
    decoder_attention_heads: int = 2
    encoder_ffn_dim: int = 64
    decoder_ffn_dim: int = 64
    max_position_embeddings: int = 512
    activation_function: str = "swish"
    scale_embedding: bool = True
    spm_vocab_size: int = 320  # pieces per SentencePiece model (a soft limit)
    init_std: float = TINY_INIT_STD  # std of the random weights
    num_beams: int = OPUS_MT_NUM_BEAMS

    @classmethod
    def tiny(cls) -> MarianShape:
        """Seconds to build; still 512 positions so the length limit is the real one."""
        return cls()

    @classmethod
    def opus_mt(cls) -> MarianShape:
        """Helsinki-NLP/opus-mt-fr-en (and en-fr): about 75 M parameters."""
        return cls(
            vocab_size=59514,
            d_model=512,
            encoder_layers=6,
            decoder_layers=6,
            encoder_attention_heads=8,
            decoder_attention_heads=8,
            encoder_ffn_dim=2048,
            decoder_ffn_dim=2048,
            max_position_embeddings=512,
            init_std=REAL_INIT_STD,
        )


def clean_lines(lines: Iterable[str], what: str) -> list[str]:
    """Non-empty stripped lines; a tokenizer cannot be trained on nothing."""
    cleaned = [line.strip() for line in lines if line.strip()]
    if not cleaned:
        raise ValueError(f"{what} needs at least one non-empty line to train a tokenizer")
    return cleaned


def train_sentencepiece(lines: Sequence[str], vocab_size: int) -> bytes:
    """A unigram SentencePiece model (serialized) trained on ``lines``.

    ``hard_vocab_limit=False`` makes ``vocab_size`` an upper bound, so a few dozen short
    lines train reliably; the size is raised to cover every character seen, which
    SentencePiece otherwise refuses.
    """
    import sentencepiece

    cleaned = clean_lines(lines, "SentencePiece")
    distinct_chars = len(set("".join(cleaned)))
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(cleaned),
        model_writer=model,
        vocab_size=max(vocab_size, distinct_chars + SPM_CHAR_HEADROOM),
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        num_threads=1,  # one thread: the same pieces for the same lines, every time
        minloglevel=2,
    )
    return model.getvalue()


def _ordinary_pieces(serialized: bytes) -> list[str]:
    """The pieces of a SentencePiece model minus its control and unknown symbols."""
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_proto=serialized)
    return [
        processor.id_to_piece(index)
        for index in range(processor.get_piece_size())
        if not (processor.is_control(index) or processor.is_unknown(index))
    ]


def marian_vocab(source_pieces: Sequence[str], target_pieces: Sequence[str], vocab_size: int | None = None) -> dict[str, int]:
    """Marian's shared vocab.json: </s>=0, <unk>=1, source then target pieces, <pad> last.

    With ``vocab_size``, dummy tokens fill the gap so every id the model can emit decodes.
    """
    tokens = [EOS_TOKEN, UNK_TOKEN]
    seen = set(tokens) | {PAD_TOKEN}
    for piece in [*source_pieces, *target_pieces]:
        if piece not in seen:
            seen.add(piece)
            tokens.append(piece)
    needed = len(tokens) + 1
    if vocab_size is not None:
        if vocab_size < needed:
            raise ValueError(f"vocab_size={vocab_size} is smaller than the {needed} trained tokens")
        tokens.extend(DUMMY_TOKEN.format(index=i) for i in range(vocab_size - needed))
    tokens.append(PAD_TOKEN)
    return {token: index for index, token in enumerate(tokens)}


def write_marian_tokenizer(
    directory: Path,
    source_lines: Sequence[str],
    target_lines: Sequence[str],
    shape: MarianShape,
    source_lang: str | None = None,
    target_lang: str | None = None,
) -> Any:
    """Train both SentencePiece models, write them and vocab.json, return the MarianTokenizer."""
    from transformers import MarianTokenizer

    source_model = train_sentencepiece(source_lines, shape.spm_vocab_size)
    target_model = train_sentencepiece(target_lines, shape.spm_vocab_size)
    (directory / SOURCE_SPM).write_bytes(source_model)
    (directory / TARGET_SPM).write_bytes(target_model)
    vocab = marian_vocab(_ordinary_pieces(source_model), _ordinary_pieces(target_model), shape.vocab_size)
    vocab_text = json.dumps(vocab, ensure_ascii=False, indent=2)
    (directory / VOCAB_JSON).write_text(vocab_text, encoding="utf-8")
    tokenizer = MarianTokenizer(
        source_spm=str(directory / SOURCE_SPM),
        target_spm=str(directory / TARGET_SPM),
        vocab=str(directory / VOCAB_JSON),
        source_lang=source_lang,
        target_lang=target_lang,
        model_max_length=shape.max_position_embeddings,
    )
    tokenizer.save_pretrained(str(directory))
    return tokenizer


def marian_config(shape: MarianShape, vocab_size: int) -> Any:
    """A MarianConfig laid out like opus-mt's (eos 0, pad = decoder start = last id)."""
    from transformers import MarianConfig

    pad_id = vocab_size - 1
    return MarianConfig(  # type: ignore[call-arg]  # opus-mt's own keys, which transformers' stubs omit
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
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
        scale_embedding=shape.scale_embedding,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        eos_token_id=EOS_ID,
        forced_eos_token_id=EOS_ID,
        pad_token_id=pad_id,
        decoder_start_token_id=pad_id,
        # Not fields of MarianConfig in transformers 5, but present in the real config.json
        # and read by converters (CTranslate2) that still expect the BART-era layout.
        static_position_embeddings=True,
        normalize_before=False,
        normalize_embedding=False,
        add_final_layer_norm=False,
    )


def marian_generation_config(shape: MarianShape, vocab_size: int) -> Any:
    """opus-mt's shipped decoding defaults: beam 4, 512 tokens, never emit <pad>."""
    from transformers import GenerationConfig

    pad_id = vocab_size - 1
    return GenerationConfig(
        num_beams=shape.num_beams,
        max_length=shape.max_position_embeddings,
        bad_words_ids=[[pad_id]],
        decoder_start_token_id=pad_id,
        eos_token_id=EOS_ID,
        forced_eos_token_id=EOS_ID,
        pad_token_id=pad_id,
    )


def set_eos_logit_bias(model: Any, eos_id: int, bias: float) -> None:
    """Put ``bias`` on the EOS logit (``final_logits_bias``) so random weights stop sooner.

    With a bias of about 4-6 on the tiny models, outputs of a batch get mixed lengths
    (some empty); 0 keeps the real all-zero bias. CTranslate2 converts a non-zero bias too.
    """
    import torch

    if bias:
        with torch.no_grad():
            model.final_logits_bias[0, eos_id] = bias


def seeded_model(model_class: Any, config: Any, seed: int) -> Any:
    """``model_class(config)`` with weights drawn from ``seed``, leaving the global RNG alone."""
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = model_class(config)
    return model.eval()


def new_marian_model(shape: MarianShape, vocab_size: int, seed: int = 0, eos_logit_bias: float = 0.0) -> Any:
    """An in-memory random MarianMTModel (e.g. for parameter counts or benchmarks)."""
    from transformers import MarianMTModel

    model = seeded_model(MarianMTModel, marian_config(shape, vocab_size), seed)
    set_eos_logit_bias(model, EOS_ID, eos_logit_bias)
    model.generation_config = marian_generation_config(shape, vocab_size)
    return model


def build_marian(
    directory: Path,
    source_lines: Sequence[str],
    target_lines: Sequence[str],
    shape: MarianShape = MarianShape.tiny(),
    seed: int = 0,
    *,
    eos_logit_bias: float = 0.0,
    source_lang: str | None = None,
    target_lang: str | None = None,
) -> Path:
    """Save a random-weight MarianMT model and its MarianTokenizer into ``directory``.

    The directory loads with ``from_pretrained`` exactly like a downloaded opus-mt model.
    ``eos_logit_bias``: see ``set_eos_logit_bias``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = write_marian_tokenizer(directory, source_lines, target_lines, shape, source_lang, target_lang)
    model = new_marian_model(shape, len(tokenizer.encoder), seed, eos_logit_bias)
    model.save_pretrained(str(directory))
    return directory
