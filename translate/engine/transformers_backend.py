"""``model.generate`` on padded batches: the reference every other backend must match."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .backend import Backend, LoadSettings, Output, strip_special
from .models import ModelInfo, configure_threads, load_seq2seq_model, resolve_device
from .options import GenerationOptions
from .tokens import Tokens


class TransformersBackend(Backend):
    """PyTorch through transformers, on CPU or a GPU."""

    name = "transformers"

    def __init__(self, info: ModelInfo, tokens: Tokens, settings: LoadSettings) -> None:
        import torch

        del tokens  # ids go to the model as they are
        self._torch = torch
        self.device = resolve_device(settings.device)
        if self.device == "cpu":
            configure_threads(settings.threads)
        self.info = info
        self.model = load_seq2seq_model(info.ref, self.device)
        self.max_positions = info.max_positions
        # Marian forces end-of-sequence as the last allowed token; one more step keeps
        # ``max_new_tokens`` real tokens, as CTranslate2 gives, so both backends agree.
        self._forced_eos_step = int(getattr(self.model.generation_config, "forced_eos_token_id", None) is not None)
        # Length bounds are passed per call as new tokens; the shipped total-length ones
        # would only conflict with them (and make transformers warn at every call).
        self.model.generation_config.min_length = None

    def generate(
        self, batch: Sequence[Sequence[int]], options: GenerationOptions, max_new_tokens: int, scores: bool = False
    ) -> list[Output]:
        torch = self._torch
        if not batch:
            return []
        width = self.check_width(batch)
        pad = self.info.pad_token_id
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(list(ids), dtype=torch.long)
            attention[row, : len(ids)] = 1
        kwargs = self._generate_kwargs(options, max_new_tokens)
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=attention.to(self.device),
                **kwargs,
            )
        start = self.info.decoder_start_token_id
        rows = [strip_special(row[1:] if row and row[0] == start else row, self.info.eos_token_id, pad) for row in output.tolist()]
        n = options.hypotheses  # generate returns each input's n hypotheses in a row, best first
        generated = rows[::n]
        others = [tuple(tuple(ids) for ids in rows[i * n + 1 : (i + 1) * n]) for i in range(len(batch))]
        confidence = self._mean_log_probs(input_ids, attention, generated, max_new_tokens) if scores else [None] * len(batch)
        return [Output(ids, score, more) for ids, score, more in zip(generated, confidence, others, strict=True)]

    def _mean_log_probs(self, input_ids: Any, attention: Any, outputs: list[list[int]], cap: int) -> list[float | None]:
        """Each output scored by one teacher-forced pass: the mean log-probability of its
        tokens, and of the end of sequence when the model stopped before the cap
        (generate's own scores would keep a vocabulary-wide tensor per step and beam)."""
        torch = self._torch
        width = max(len(ids) for ids in outputs) + 1
        decoder = torch.full((len(outputs), width), self.info.pad_token_id, dtype=torch.long)
        labels = torch.full((len(outputs), width), -100, dtype=torch.long)
        for row, ids in enumerate(outputs):
            sequence = [*ids, self.info.eos_token_id] if len(ids) < cap else list(ids)
            if not sequence:
                continue
            decoder[row, : len(sequence)] = torch.tensor([self.info.decoder_start_token_id, *sequence[:-1]], dtype=torch.long)
            labels[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
        with torch.inference_mode():
            logits = self.model(
                input_ids=input_ids.to(self.device),
                attention_mask=attention.to(self.device),
                decoder_input_ids=decoder.to(self.device),
            ).logits.float()
            chosen = torch.log_softmax(logits, dim=-1).gather(-1, labels.clamp(min=0).to(self.device).unsqueeze(-1))
            chosen = chosen.squeeze(-1).masked_fill(labels.to(self.device) < 0, 0.0)
            counts = (labels >= 0).sum(dim=1).clamp(min=1).to(self.device)
        return [float(value) for value in (chosen.sum(dim=1) / counts).tolist()]

    def _generate_kwargs(self, options: GenerationOptions, max_new_tokens: int) -> dict[str, Any]:
        beams = options.beams
        kwargs: dict[str, Any] = {
            "num_beams": beams,
            "do_sample": False,
            "max_new_tokens": max_new_tokens + self._forced_eos_step,
            "max_length": None,
            "min_new_tokens": options.min_new_tokens or 0,
            "no_repeat_ngram_size": options.no_repeat_ngram_size or 0,
            "repetition_penalty": options.repetition_penalty or 1.0,
            "length_penalty": 1.0 if options.length_penalty is None else options.length_penalty,
            "early_stopping": self.info.early_stopping if beams > 1 else False,
        }
        if self.info.bad_words_ids:
            kwargs["bad_words_ids"] = self.info.bad_words_ids
        if options.hypotheses > 1:
            kwargs["num_return_sequences"] = options.hypotheses
        return kwargs
