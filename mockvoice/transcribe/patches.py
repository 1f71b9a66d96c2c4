"""Every reach into openai-whisper's internals, and the one check that they are there.

:func:`load_whisper` is the only way in: it imports whisper and, the first time,
:func:`check` verifies that the installed release is one mockvoice supports
(:data:`SUPPORTED`, the range pyproject.toml pins) and that every attribute and argument
listed below exists; otherwise one ModelError names the range and what is missing.

The patches, applied by :func:`apply` to a model :mod:`mockvoice.transcribe.whisper`
has just loaded. The first two give the same words and times as Whisper's own code
(tests/test_transcribe.py):

- **Each window is encoded once** (``model.encoder.forward``). Whisper runs the
  encoder, the costly part of tiny.en, on the same 30 s of audio once per temperature
  it tries, again to time the words, and again when the guard decodes without the
  prompt. The result depends on the mel alone, so the encoder hands back its last
  result for an equal mel.
- **Word timing without numba** (``whisper.timing.dtw``, looked up at call time by
  ``whisper.timing.find_alignment``): Whisper's DTW and backtrace, compiled by numba
  at first use (time and memory: docs/speed.md), done in numpy by
  :func:`mockvoice.transcribe.numeric.dtw` with the same tie-breaking and float32
  costs; :func:`load_whisper` imports whisper with a stand-in for numba's ``jit``.

The third can change words, only where Whisper would reject them anyway:

- **A decode stuck in a loop is ended early** (a forward hook on ``model.decoder``,
  called once per new token): on hard audio a decode can repeat itself up to the
  224-token limit, only to be rejected afterwards as too compressible. It is ended
  with the end-of-text token once its tail repeats and its text fails that same check
  (``whisper.utils.compression_ratio``) by a margin; each such decode cost 4 s.

And one for ending a round at once:

- **A decode on an abandoned thread stops at its next step** (a forward pre-hook on
  the encoder and the decoder; :mod:`mockvoice.transcribe.abandon`).

Internals read, not changed:

- ``whisper._ALIGNMENT_HEADS``: the cross-attention heads that time words, by model
  name. ``whisper.load_model`` sets them only for a model it downloads itself, and we
  load files (:func:`set_alignment_heads`).
- ``whisper._MODELS``: the official checkpoints' download URLs, which carry their
  sha256, to tell a partial download in whisper's cache (:func:`official_sha256`).
- The decoder's parts (``TextDecoder``'s embeddings, blocks, mask, final norm, and
  the cross-attention cache ``MultiHeadAttention`` reads), run as
  ``TextDecoder.forward`` runs them, with the cross-attention keys and values made once
  for many texts, and the prompt placed as ``whisper.decoding`` places it:
  :func:`score_texts`, the hesitation check's forced scoring.

torch and whisper are imported lazily: this module is used once a model is loaded.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
import sys
import threading
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mockvoice.errors import MissingDependency, ModelError
from mockvoice.transcribe import abandon
from mockvoice.transcribe.numeric import dtw, looping

log = logging.getLogger(__name__)

# The first and last openai-whisper releases these patches were tested with; pyproject.toml
# pins the same range. 20250625 is the first with transcribe(carry_initial_prompt=...) and,
# on 2026-12-04, the newest on PyPI (`pip index versions openai-whisper`).
SUPPORTED = ("20250625", "20250625")
SUPPORTED_PIN = f"openai-whisper>={SUPPORTED[0]},<={SUPPORTED[1]}"

# What the code relies on, checked by check(). Functions, as names under whisper: the
# arguments we pass or, for a method, that whisper passes to the one we wrap.
_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "load_model": ("name", "device"),
    "transcribe": ("model", "audio", "verbose", "temperature", "condition_on_previous_text",
                   "initial_prompt", "carry_initial_prompt", "word_timestamps"),
    "log_mel_spectrogram": ("audio",),
    "pad_or_trim": ("array",),
    "tokenizer.get_tokenizer": ("multilingual", "num_languages", "language", "task"),
    "utils.compression_ratio": ("text",),
    "timing.dtw": ("x",),
    "decoding.PyTorchInference.logits": ("tokens", "audio_features"),
    "model.AudioEncoder.forward": ("x",),
    "model.TextDecoder.forward": ("x", "xa", "kv_cache"),
    "model.ResidualAttentionBlock.forward": ("x", "xa", "mask", "kv_cache"),
    "model.MultiHeadAttention.forward": ("x", "xa", "mask", "kv_cache"),
    "model.Whisper.embed_audio": ("mel",),
    "model.Whisper.set_alignment_heads": ("dump",),
}
# Attributes of a whisper.model.Whisper, of its decoder's first block and of the tokenizer.
_MODEL_PARTS = ("encoder", "decoder", "is_multilingual", "num_languages", "device",
                "decoder.token_embedding.weight", "decoder.positional_embedding",
                "decoder.blocks", "decoder.ln", "decoder.mask")
_BLOCK_PARTS = ("cross_attn.key", "cross_attn.value")
_TOKENIZER_PARTS = ("eot", "sot_prev", "sot_sequence_including_notimestamps", "encode", "decode")
_TINY_DIMS = dict(n_mels=80, n_audio_ctx=2, n_audio_state=4, n_audio_head=1, n_audio_layer=1,
                  n_vocab=8, n_text_ctx=2, n_text_state=4, n_text_head=1, n_text_layer=1)
_lock = threading.Lock()
_checked: types.ModuleType | None = None


def load_whisper() -> types.ModuleType:
    """openai-whisper, imported without numba and checked (the first time) by :func:`check`.

    Raises MissingDependency when it is not installed, ModelError when it is not a
    release mockvoice supports.
    """
    global _checked
    with _lock:
        if _checked is None:
            whisper = _import_without_numba()
            check(whisper)
            _checked = whisper
        return _checked


def _import_without_numba() -> types.ModuleType:
    """Import whisper with ``numba`` naming a stand-in, unless numba is already loaded.

    whisper.timing imports numba only to compile the two functions :func:`dtw`
    replaces. The stand-in's ``jit`` leaves a function as it is; it is taken out again
    at once, so any later ``import numba`` gets the real one.
    """
    stand_in = None
    if "whisper.timing" not in sys.modules and "numba" not in sys.modules:
        stand_in = types.ModuleType("numba")
        stand_in.jit = lambda *args, **kwargs: (lambda function: function)  # type: ignore[attr-defined]
        sys.modules["numba"] = stand_in
    try:
        import whisper
    except ImportError as e:
        raise MissingDependency("openai-whisper", "to transcribe answers", e) from e
    finally:
        if stand_in is not None and sys.modules.get("numba") is stand_in:
            del sys.modules["numba"]
    return whisper


def check(whisper: types.ModuleType) -> None:
    """Stop with one ModelError unless ``whisper`` is a supported release with every
    attribute and argument this module relies on."""
    version = str(getattr(whisper, "__version__", ""))
    problems = []
    release = re.match(r"\d{8}", version)
    if not release or not SUPPORTED[0] <= release.group() <= SUPPORTED[1]:
        problems.append(f"version {version} is outside the range" if version
                        else "it has no __version__")
    for name, arguments in _ARGUMENTS.items():
        try:
            function = _lookup(whisper, name)
            present = inspect.signature(function).parameters
        except (AttributeError, ImportError, TypeError, ValueError):
            problems.append(f"whisper.{name} is missing")
            continue
        absent = [a for a in arguments if a not in present]
        if absent:
            problems.append(f"whisper.{name} takes no {', '.join(absent)}")
    problems += _missing_internals(whisper)
    if problems:
        raise ModelError(
            f"openai-whisper {version or '(unknown version)'} is installed, but mockvoice "
            f"patches Whisper's internals and supports only {SUPPORTED_PIN}: "
            f"{'; '.join(problems)}.",
            f"pip install '{SUPPORTED_PIN}' (or run scripts/install.sh)",
        )


def _missing_internals(whisper: types.ModuleType) -> list[str]:
    """What is missing of the tables, module globals and model parts the patches use."""
    problems = []
    try:
        if "dtw" not in _lookup(whisper, "timing.find_alignment").__code__.co_names:
            problems.append("whisper.timing.find_alignment no longer calls whisper.timing.dtw")
    except (AttributeError, ImportError):
        problems.append("whisper.timing.find_alignment is missing")
    for table, valid in (("_ALIGNMENT_HEADS", lambda v: isinstance(v, bytes)),
                         ("_MODELS", lambda v: _sha256_in_url(v) is not None)):
        entries = getattr(whisper, table, None)
        value = entries.get("tiny.en") if isinstance(entries, dict) else None
        if value is None or not valid(value):
            problems.append(f'whisper.{table}["tiny.en"] is missing')
    if not hasattr(_lookup_or_none(whisper, "decoding.DecodingOptions"), "fp16"):
        problems.append("whisper.decoding.DecodingOptions has no fp16")
    try:  # a two-layer model of width 4, built only to look its parts up
        model = whisper.model.Whisper(whisper.model.ModelDimensions(**_TINY_DIMS))
        tokenizer = whisper.tokenizer.get_tokenizer(False, num_languages=model.num_languages,
                                                    language="en", task="transcribe")
    except Exception as e:  # noqa: BLE001 - whatever changed, it is reported below
        return [*problems, f"a whisper.model.Whisper cannot be built ({e})"]
    for root, prefix, parts in ((model, "model.", _MODEL_PARTS),
                                (model.decoder.blocks[0], "model.decoder.blocks[0].",
                                 _BLOCK_PARTS),
                                (tokenizer, "tokenizer.", _TOKENIZER_PARTS)):
        for part in parts:
            if _lookup_or_none(root, part) is None:
                problems.append(f"{prefix}{part} is missing")
    return problems


def _lookup(root: Any, dotted: str) -> Any:
    """``root.a.b.c`` for ``"a.b.c"``, importing submodules of a package on the way."""
    for part in dotted.split("."):
        if isinstance(root, types.ModuleType) and not hasattr(root, part):
            importlib.import_module(f"{root.__name__}.{part}")
        root = getattr(root, part)
    return root


def _lookup_or_none(root: Any, dotted: str) -> Any:
    try:
        return _lookup(root, dotted)
    except (AttributeError, ImportError):
        return None



def official_sha256(name: str) -> str | None:
    """The sha256 of whisper's official checkpoint ``name`` (its download URL carries it
    as a path segment), None for another name."""
    return _sha256_in_url(load_whisper()._MODELS.get(name))


def _sha256_in_url(url: object) -> str | None:
    found = re.search(r"/([0-9a-f]{64})/[^/]+$", url) if isinstance(url, str) else None
    return found.group(1) if found else None


def set_alignment_heads(model: Any, name: str, path: Path) -> None:
    """Time words with the cross-attention heads whisper lists for ``name``.

    A name whisper does not list (a checkpoint of the user's own) keeps whisper's
    default, the heads of the decoder's second half, as ``whisper.load_model`` does.
    """
    heads = load_whisper()._ALIGNMENT_HEADS.get(name)
    if heads is None:
        log.info("Whisper lists no alignment heads for %s: word times use its default heads",
                 name)
        return
    try:
        model.set_alignment_heads(heads)
    except (RuntimeError, ValueError) as e:
        raise ModelError(
            f"{path} is named like Whisper {name} but is not shaped like it ({e}).",
            f"rename the file if it is another model, or pass --model PATH to the real {name}",
        ) from e


def apply(model: Any) -> None:
    """All the patches above, on a model just loaded with ``whisper.load_model``."""
    load_whisper()
    encode_each_window_once(model)
    time_words_with_numpy()
    end_loops_early(model)
    stop_abandoned_work(model)


def english_tokenizer(model: Any) -> Any:
    """The tokenizer whisper decodes English with on ``model``."""
    return load_whisper().tokenizer.get_tokenizer(
        model.is_multilingual, num_languages=model.num_languages, language="en",
        task="transcribe")


def encode_each_window_once(model: Any) -> None:
    """Have ``model.encoder`` return its last result when given an equal mel again."""
    import torch

    encoder = model.encoder
    compute = encoder.forward
    last: list[tuple[Any, Any]] = []

    def forward(mel: Any) -> Any:
        if last and last[0][0].shape == mel.shape and torch.equal(last[0][0], mel):
            return last[0][1]
        features = compute(mel)
        last[:] = [(mel.clone(), features)]  # one tuple, swapped whole: safe to read
        return features

    encoder.forward = forward


# whisper.transcribe's default: text that compresses better than this is a failed decode.
# A loop is ended only once its text is well past it: ended right at 2.4 it could end just
# under (a stripped space, a token less) and be taken as a good decode, which happened.
COMPRESSION_RATIO_THRESHOLD = 2.4
STOP_RATIO = 1.25 * COMPRESSION_RATIO_THRESHOLD


def end_loops_early(model: Any) -> None:
    """End a decode once its text loops and clearly fails Whisper's compression check.

    A forward hook on the decoder follows each step of a decode (one new token per
    call, with the key-value cache) and, when the tokens so far loop, makes the
    end-of-text token the only choice. A whole-sequence pass (word timing, the
    filler check) is never changed.
    """
    import torch

    compression_ratio = load_whisper().utils.compression_ratio
    tokenizer = english_tokenizer(model)
    eot = tokenizer.eot
    rows: list[list[int]] = []

    def hook(module: Any, inputs: tuple[Any, ...], logits: Any) -> Any:
        tokens = inputs[0]
        if tokens.shape[1] != 1:  # a decode's first step, or a whole-sequence pass
            rows[:] = [[] for _ in range(tokens.shape[0])]
            return None
        if len(rows) != tokens.shape[0]:
            return None
        stop = []
        for i, token in enumerate(tokens[:, 0].tolist()):
            if token < eot:  # text (timestamps and special tokens are left out)
                rows[i].append(token)
                if looping(rows[i]) and compression_ratio(
                        tokenizer.decode(rows[i]).strip()) > STOP_RATIO:
                    stop.append(i)
        if not stop:
            return None
        logits = logits.clone()
        logits[stop, -1, :] = -torch.inf
        logits[stop, -1, eot] = 0.0
        return logits

    model.decoder.register_forward_hook(hook)


def time_words_with_numpy() -> None:
    """Make whisper.timing use :func:`dtw` (whisper's word timing looks it up at call time)."""
    load_whisper().timing.dtw = _dtw_tensor


def _dtw_tensor(x: Any) -> np.ndarray:
    return dtw(x.double().cpu().numpy())


def stop_abandoned_work(model: Any) -> None:
    """Before each encoder or decoder step, raise Abandoned on a thread marked abandoned."""

    def hook(module: Any, inputs: tuple[Any, ...]) -> None:
        abandon.check()

    model.encoder.register_forward_pre_hook(hook)
    model.decoder.register_forward_pre_hook(hook)


# --- forced scoring ------------------------------------------------------------------


def score_texts(model: Any, audio: np.ndarray, texts: Sequence[str],
                prompt: str | None = None) -> list[float]:
    """Whisper's log-probability of each text (and its end) for ``audio`` (at most 30 s),
    decoded after ``prompt`` as whisper.transcribe would.

    One encoder pass; the decoder's cross-attention keys and values, the same for every
    text, made once; then each text through the decoder blocks on its own (as
    ``TextDecoder.forward``, which would make those keys and values again for each),
    with the vocabulary's logits only where the text's tokens are scored (faster than one
    ``model.logits`` call per text, lighter than all texts in one batch: docs/speed.md).
    """
    import torch

    whisper = load_whisper()
    tok = english_tokenizer(model)
    prefix = list(tok.sot_sequence_including_notimestamps)
    if prompt:  # as whisper.decoding builds it
        prefix = [tok.sot_prev, *tok.encode(" " + prompt.strip()), *prefix]
    samples = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))
    mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(samples))
    decoder = model.decoder
    scores = []
    with torch.no_grad():
        features = model.embed_audio(mel[None].to(model.device))
        cross: dict[Any, Any] = {}  # read by MultiHeadAttention for cross-attention
        for block in decoder.blocks:
            cross[block.cross_attn.key] = block.cross_attn.key(features)
            cross[block.cross_attn.value] = block.cross_attn.value(features)
        vocabulary = decoder.token_embedding.weight.to(features.dtype).T
        for text in texts:
            target = tok.encode(" " + text) + [tok.eot]
            tokens = torch.tensor([prefix + target], device=model.device)
            x = decoder.token_embedding(tokens) + decoder.positional_embedding[
                :tokens.shape[-1]]
            x = x.to(features.dtype)
            for block in decoder.blocks:
                x = block(x, features, mask=decoder.mask, kv_cache=cross)
            scored = decoder.ln(x)[0, len(prefix) - 1:-1]  # the positions before each
            logp = torch.log_softmax((scored @ vocabulary).float(), dim=-1)
            scores.append(float(logp[torch.arange(len(target)), torch.tensor(target)].sum()))
    return scores
