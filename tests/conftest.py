"""Shared fixtures: a temp mockvoice cache for the whole run, the converted model, real clips."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
# Run from a checkout without `pip install -e .`: make the package importable.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mockvoice.transcribe.checkpoint import CheckpointInfo, cache_dir, convert_bundled  # noqa: E402

# A shell runs a command started with `&` with Ctrl-C (SIGINT) ignored, and the
# `mockvoice practice` processes the tests start would inherit that: Python then
# never raises KeyboardInterrupt, and the Ctrl-C test hangs. Run that way, the
# tests get Ctrl-C back, as a person's terminal has it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def mockvoice_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """MOCKVOICE_CACHE pointed at one temp folder for the whole test session."""
    folder = tmp_path_factory.mktemp("mockvoice-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOCKVOICE_CACHE", str(folder))
        yield folder


@pytest.fixture(scope="session")
def whisper_checkpoint(mockvoice_cache: Path) -> CheckpointInfo:
    """tiny.en converted from the bundled CTranslate2 model, built once per test session.

    Built explicitly rather than resolved, so a tiny.en.pt in the developer's
    whisper cache cannot stand in for our conversion.
    """
    return convert_bundled(cache_dir() / "whisper" / "tiny.en.pt")


@pytest.fixture(scope="session")
def whisper(whisper_checkpoint: CheckpointInfo) -> Any:
    """One loaded openai-whisper tiny.en (our conversion, mockvoice's filler prompt) for
    every test that only transcribes; a test that changes a model loads its own."""
    from mockvoice.transcribe.whisper import WhisperTranscriber

    model = WhisperTranscriber(str(whisper_checkpoint.path))
    model.load()
    return model


@pytest.fixture(scope="session")
def jfk_flac() -> Path:
    """11 s of JFK's inaugural address, 16 kHz mono FLAC (whisper's own test clip)."""
    path = DATA / "jfk.flac"
    assert path.is_file(), f"missing test clip {path}"
    return path


@pytest.fixture(scope="session")
def audio_server() -> None:
    """A running PulseAudio server (scripts/test.sh starts one with a null sink, vsink).

    Skipped where none runs, except under scripts/test.sh (MOCKVOICE_REQUIRE_AUDIO=1),
    where a missing server is a failure: CI must exercise the real audio path.
    """
    ok = shutil.which("pactl") and subprocess.run(
        ["pactl", "info"], capture_output=True).returncode == 0
    if not ok:
        if os.environ.get("MOCKVOICE_REQUIRE_AUDIO"):
            pytest.fail("no PulseAudio server is running; scripts/test.sh starts one")
        pytest.skip("no audio server (scripts/test.sh starts PulseAudio with a null sink)")


@pytest.fixture(autouse=True)
def mockvoice_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                   mockvoice_cache: Path) -> Path:
    """Every test gets an empty MOCKVOICE_HOME: no user question set or recording of the
    developer's leaks in, and nothing a test writes lands in the checkout. The cache (the
    converted model, spoken questions) stays one folder for the whole run."""
    home = tmp_path_factory.mktemp("mockvoice-home")
    monkeypatch.setenv("MOCKVOICE_HOME", str(home))
    monkeypatch.delenv("MOCKVOICE_RECORDINGS", raising=False)
    return home
