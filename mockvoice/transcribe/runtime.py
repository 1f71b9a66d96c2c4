"""Process-wide settings for running Whisper on torch, applied when a model loads.

Importing a mockvoice module changes nothing in the process; these are set by
:func:`prepare`, which :mod:`mockvoice.transcribe.checkpoint` calls before it first
imports torch (to build the checkpoint, or to load it). Each was measured by
benchmarks/latency.py (README "Speed"). The seed is not here: each decode sets it
(:meth:`mockvoice.transcribe.whisper.WhisperTranscriber._decode`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
import threading

from mockvoice.errors import MissingDependency

log = logging.getLogger(__name__)

_lock = threading.Lock()
_prepared = False


def prepare() -> None:
    """Apply the settings below, once per process (later calls do nothing)."""
    global _prepared
    with _lock:
        if _prepared:
            return
        # MKL (torch's matrix maths) keeps a pool of the buffers it frees unless told not
        # to, which it reads when torch loads it. In latency.py's live runs it kept the peak
        # at 530 MB on hard audio against 611 MB without; its effect on speed was within
        # run-to-run noise.
        if "torch" in sys.modules and "MKL_DISABLE_FAST_MM" not in os.environ:
            log.debug("torch was imported before the model loaded: MKL keeps its buffer pool")
        os.environ.setdefault("MKL_DISABLE_FAST_MM", "1")
        return_freed_memory()
        try:
            import torch
        except ImportError as e:
            raise MissingDependency("torch", "to run Whisper", e) from e
        torch.set_num_threads(os.cpu_count() or 1)
        _prepared = True


def return_freed_memory() -> None:
    """Have glibc give large freed blocks back to the system at once.

    Each window's decode allocates and frees tens of MB of tensors; by default glibc
    keeps them in per-thread arenas, so the process grows to hold them all (the peak with
    and without these settings: docs/speed.md, benchmarks/latency.py). Where glibc's
    mallopt is not available (macOS, musl), memory is left to the C library's defaults,
    which is said at debug level.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        log.debug("no glibc mallopt: freed memory is returned as the C library sees fit")
        return
    m_trim_threshold, m_mmap_threshold, m_arena_max = -1, -3, -8  # from glibc's malloc.h
    for option, value in ((m_arena_max, 2), (m_mmap_threshold, 256 * 1024),
                          (m_trim_threshold, 256 * 1024)):
        mallopt(option, value)
