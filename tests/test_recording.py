"""Recording logic without hardware: stop rules, levels, resampling, device choice."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

import numpy as np
import pytest

from mockvoice.audio.devices import Device, resolve_input
from mockvoice.audio.recording import Resampler, StopPolicy, level_dbfs
from mockvoice.errors import DeviceError

LOUD, QUIET = -20.0, -70.0


def run(policy: StopPolicy, levels: list[float], step: float = 0.1) -> tuple[str | None, float]:
    for i, level in enumerate(levels, 1):
        reason = policy.feed(i * step, level)
        if reason:
            return reason, i * step
    return None, len(levels) * step


def test_max_seconds_stops() -> None:
    assert run(StopPolicy(max_seconds=2.0), [LOUD] * 50) == ("max-seconds", pytest.approx(2.0))


def test_silence_never_stops_unless_asked() -> None:
    assert run(StopPolicy(max_seconds=100), [LOUD] * 5 + [QUIET] * 200)[0] is None


def test_silence_after_speech_stops() -> None:
    reason, at = run(StopPolicy(max_seconds=100, stop_on_silence=1.5), [LOUD] * 10 + [QUIET] * 50)
    assert reason == "silence" and at == pytest.approx(1.0 + 1.5 + 0.1, abs=0.11)


def test_silence_before_any_speech_does_not_stop() -> None:
    # Thinking before answering is not the end of the answer.
    levels = [QUIET] * 40 + [LOUD] * 5
    assert run(StopPolicy(max_seconds=100, stop_on_silence=1.0), levels)[0] is None


def test_warning_30s_before_limit() -> None:
    policy = StopPolicy(max_seconds=180)
    assert not policy.warning(149.9) and policy.warning(150.0)


def test_level_dbfs() -> None:
    assert level_dbfs(np.zeros(160, np.float32)) == -120.0
    assert level_dbfs(np.full(160, 0.1, np.float32)) == pytest.approx(-20.0, abs=0.01)


@pytest.mark.parametrize("rate", [16_000, 44_100, 48_000, 22_050])
def test_resampler_streams_without_drift_or_seams(rate: int) -> None:
    seconds = 2.0
    t = np.arange(int(seconds * rate)) / rate
    signal = np.sin(2 * np.pi * 200 * t).astype(np.float32)
    resample = Resampler(rate)
    out = np.concatenate([resample(b) for b in np.array_split(signal, 37)])
    assert abs(len(out) - seconds * 16_000) <= 2
    expected = np.sin(2 * np.pi * 200 * np.arange(len(out)) / 16_000)
    assert np.max(np.abs(out - expected)) < 0.02


DEVICES = [
    Device(0, "HDA Intel PCH: ALC3246 Analog (hw:0,0)", 2, 2, 48000.0),
    Device(1, "HDMI 0", 0, 8, 48000.0),
    Device(2, "pulse", 32, 32, 44100.0),
    Device(3, "default", 32, 32, 44100.0, is_default_input=True),
]


def test_default_input_is_chosen() -> None:
    assert resolve_input(DEVICES, None).index == 3


def test_input_by_index_and_name() -> None:
    assert resolve_input(DEVICES, "0").index == 0
    assert resolve_input(DEVICES, "pulse").index == 2
    assert resolve_input(DEVICES, "alc3246").index == 0


def test_output_only_device_is_refused_with_choices() -> None:
    with pytest.raises(DeviceError, match=r"No input device with index 1\.") as e:
        resolve_input(DEVICES, "1")
    assert "2: pulse" in str(e.value)


def test_unknown_name_lists_choices() -> None:
    with pytest.raises(DeviceError, match="No input device named 'usb'") as e:
        resolve_input(DEVICES, "usb")
    assert "3: default" in str(e.value)


def test_no_microphone_at_all() -> None:
    with pytest.raises(DeviceError, match="No microphone found"):
        resolve_input([Device(1, "HDMI 0", 0, 8, 48000.0)], None)


def test_no_microphone_names_the_device_asked_for() -> None:
    with pytest.raises(DeviceError, match=r"No microphone found \(asked for 'usb mic'\)"):
        resolve_input([Device(1, "HDMI 0", 0, 8, 48000.0)], "usb mic")


ALSA_COMPLAINS = """
import ctypes, ctypes.util, sys
if sys.argv[1] == "mockvoice":
    from mockvoice.audio.devices import import_sounddevice
    import_sounddevice()
lib = ctypes.CDLL(ctypes.util.find_library("asound"))
lib.snd_pcm_open(ctypes.byref(ctypes.c_void_p()), b"no-such-device", 0, 0)
"""


@pytest.mark.skipif(not ctypes.util.find_library("asound"), reason="no ALSA library")
def test_alsa_messages_stay_off_the_screen_once_sounddevice_is_imported() -> None:
    def stderr_of(who: str) -> str:
        return subprocess.run([sys.executable, "-c", ALSA_COMPLAINS, who], capture_output=True,
                              text=True, timeout=60).stderr

    assert "Unknown PCM no-such-device" in stderr_of("alone")  # ALSA's own habit
    assert "ALSA lib" not in stderr_of("mockvoice")
