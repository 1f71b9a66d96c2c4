"""Reading a CTranslate2 Whisper model (``model.bin``) with NumPy, and renaming its
tensors to an openai-whisper checkpoint (the layout and the name mapping are in
../shared/notes/offline-whisper.md; :mod:`mockvoice.transcribe.checkpoint` uses it)."""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from mockvoice.errors import ModelError

_CT2_DTYPES = {0: "<f4", 1: "i1", 2: "<i2", 3: "<i4", 4: "<f2", 5: "bfloat16"}
_CT2_GELU = 3  # ctranslate2 ActivationType.GELU: Whisper's MLP activation

# Whisper's architecture, which the CTranslate2 flags must describe.
_EXPECTED_FLAGS = {
    "decoder/pre_norm": 1,
    "decoder/activation": _CT2_GELU,
    "decoder/alibi": 0,
    "decoder/scale_embeddings": 0,
}

# CTranslate2 sub-module names to openai-whisper's, inside one layer.
_LAYER_PARTS = {
    "self_attention/linear_1": "attn.out",
    "self_attention/layer_norm": "attn_ln",
    "ffn/linear_0": "mlp.0",
    "ffn/linear_1": "mlp.2",
    "ffn/layer_norm": "mlp_ln",
    "attention/linear_0": "cross_attn.query",
    "attention/linear_2": "cross_attn.out",
    "attention/layer_norm": "cross_attn_ln",
}
# Fused projections, split by rows into these parts.
_FUSED_PARTS = {
    "self_attention/linear_0": ("attn.query", "attn.key", "attn.value"),
    "attention/linear_1": ("cross_attn.key", "cross_attn.value"),
}
_TOP_LEVEL = {
    "encoder/conv1": "encoder.conv1",
    "encoder/conv2": "encoder.conv2",
    "encoder/layer_norm": "encoder.ln_post",
    "decoder/layer_norm": "decoder.ln",
    "decoder/embeddings": "decoder.token_embedding",
}
_POSITIONS = {
    "encoder/position_encodings/encodings": "encoder.positional_embedding",
    "decoder/position_encodings/encodings": "decoder.positional_embedding",
}
_PARAM_NAMES = {"weight": "weight", "bias": "bias", "gamma": "weight", "beta": "bias"}
_LAYER_RE = re.compile(r"^(encoder|decoder)/layer_(\d+)/(.+)/(weight|bias|gamma|beta)$")


def read_ct2_model(path: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Parse a CTranslate2 ``model.bin`` (format version 6) into arrays and aliases.

    Arrays keep the file's dtype (bfloat16 is widened to float32, which NumPy
    lacks). Raises ModelError naming the file when it is not in that format.
    """
    data = memoryview(path.read_bytes())
    pos = 0

    def take(fmt: str) -> tuple[Any, ...]:
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    def text() -> str:
        nonlocal pos
        (length,) = take("H")
        raw = bytes(data[pos : pos + length])
        pos += length
        return raw.rstrip(b"\0").decode("utf-8")

    try:
        (version,) = take("I")
        if version != 6:
            raise ValueError(f"binary version {version}, expected 6")
        spec = text()
        take("I")  # spec revision
        if spec != "WhisperSpec":
            raise ValueError(f"spec {spec!r}, expected 'WhisperSpec'")
        (count,) = take("I")
        variables: dict[str, np.ndarray] = {}
        for _ in range(count):
            name = text()
            (rank,) = take("B")
            shape = take("I" * rank) if rank else ()
            (code,) = take("B")
            (size,) = take("I")
            if code not in _CT2_DTYPES:
                raise ValueError(f"variable {name} has unknown dtype code {code}")
            variables[name] = _array(data[pos : pos + size], code, shape)
            pos += size
        (n_aliases,) = take("I")
        aliases = {}
        for _ in range(n_aliases):
            alias = text()
            aliases[alias] = text()
    except (struct.error, ValueError, UnicodeDecodeError) as e:
        raise ModelError(f"Cannot read CTranslate2 model {path}: {e}.") from e
    return variables, aliases


def _array(raw: memoryview, code: int, shape: tuple[int, ...]) -> np.ndarray:
    if _CT2_DTYPES[code] == "bfloat16":
        halves = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        return halves.view(np.float32).reshape(shape)
    array = np.frombuffer(raw, dtype=_CT2_DTYPES[code])
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{array.size} values do not fill shape {shape}")
    return array.reshape(shape).copy()


def ct2_to_whisper(
    variables: dict[str, np.ndarray], on_step: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Rename CTranslate2 Whisper tensors into an openai-whisper checkpoint dict.

    Returns ``{"dims": {...}, "model_state_dict": {name: torch.Tensor}}`` with
    the source dtype kept (float16 for the bundled model; whisper casts to its
    float32 parameters when loading, so decoding is the same as from float32).
    """
    from mockvoice.transcribe.checkpoint import _import_torch  # its settings first

    torch = _import_torch()
    for flag, expected in _EXPECTED_FLAGS.items():
        if flag in variables and int(variables[flag]) != expected:
            raise ModelError(
                f"CTranslate2 model is not a standard Whisper: {flag} = "
                f"{int(variables[flag])}, expected {expected}."
            )

    state: dict[str, np.ndarray] = {}
    weights = [name for name, value in variables.items() if value.ndim > 0]
    for step, name in enumerate(weights, 1):
        for key, value in _rename(name, variables[name]):
            if key in state:
                raise ModelError(f"CTranslate2 variable {name} maps onto {key} twice.")
            state[key] = value
        if on_step:
            on_step(step, len(weights))

    dims = _dims(variables, state)
    tensors = {key: torch.from_numpy(np.ascontiguousarray(value)) for key, value in state.items()}
    return {"dims": dims, "model_state_dict": tensors}


def _rename(name: str, value: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """openai-whisper (name, tensor) pairs for one CTranslate2 variable."""
    if name in _POSITIONS:
        return [(_POSITIONS[name], value)]
    module, _, param = name.rpartition("/")
    if module in _TOP_LEVEL and param in _PARAM_NAMES:
        return [(f"{_TOP_LEVEL[module]}.{_PARAM_NAMES[param]}", value)]
    match = _LAYER_RE.match(name)
    if not match:
        raise ModelError(f"CTranslate2 variable {name} has no openai-whisper equivalent.")
    stack, layer, part, param = match.groups()
    prefix = f"{stack}.blocks.{layer}"
    target = _PARAM_NAMES[param]
    if part in _LAYER_PARTS:
        return [(f"{prefix}.{_LAYER_PARTS[part]}.{target}", value)]
    if part not in _FUSED_PARTS:
        raise ModelError(f"CTranslate2 variable {name} has no openai-whisper equivalent.")
    names = _FUSED_PARTS[part]
    if value.shape[0] % len(names):
        raise ModelError(
            f"CTranslate2 variable {name} of shape {value.shape} cannot be "
            f"split into {len(names)} projections."
        )
    pieces = np.split(value, len(names), axis=0)
    pairs = []
    for sub, piece in zip(names, pieces, strict=True):
        if sub.endswith("key") and target == "bias":
            # Whisper's key projections have no bias; CTranslate2 fuses in zeros.
            if np.any(piece != 0):
                raise ModelError(f"{name}: the key part of the fused bias is not zero.")
            continue
        pairs.append((f"{prefix}.{sub}.{target}", piece))
    return pairs


def _dims(variables: dict[str, np.ndarray], state: dict[str, np.ndarray]) -> dict[str, int]:
    """Whisper's ModelDimensions, read off the tensors and the head-count variables."""

    def layers(stack: str) -> int:
        found = {int(k.split(".")[2]) for k in state if k.startswith(f"{stack}.blocks.")}
        return len(found)

    try:
        conv1 = state["encoder.conv1.weight"]
        embedding = state["decoder.token_embedding.weight"]
        dims = {
            "n_mels": conv1.shape[1],
            "n_audio_ctx": state["encoder.positional_embedding"].shape[0],
            "n_audio_state": conv1.shape[0],
            "n_audio_head": int(variables["encoder/num_heads"]),
            "n_audio_layer": layers("encoder"),
            "n_vocab": embedding.shape[0],
            "n_text_ctx": state["decoder.positional_embedding"].shape[0],
            "n_text_state": embedding.shape[1],
            "n_text_head": int(variables["decoder/num_heads"]),
            "n_text_layer": layers("decoder"),
        }
    except KeyError as e:
        raise ModelError(f"CTranslate2 model lacks {e.args[0]}; not a Whisper model.") from e
    return {key: int(value) for key, value in dims.items()}
