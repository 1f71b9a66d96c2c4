"""Finding audio devices. ``sounddevice`` is imported lazily: it needs PortAudio."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Any

from mockvoice.errors import DeviceError, MissingDependency

log = logging.getLogger(__name__)


def import_sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as e:  # raised where the PortAudio library is missing
        raise MissingDependency("PortAudio (Debian package libportaudio2)",
                                "to record and play audio", e) from e
    except ImportError as e:
        raise MissingDependency("sounddevice", "to record and play audio", e) from e
    _quiet_alsa()
    return sounddevice


# ALSA's library prints its complaints ("ALSA lib pcm.c:...: underrun occurred") straight to
# the terminal, in the middle of the round's screen. Its error handler is replaced once by
# one that sends them to the log (debug level). The C handler is variadic; its fixed
# arguments are all we read. Kept referenced: ALSA calls it for the life of the process.
_ALSA_HANDLER: Any = None


def _quiet_alsa() -> None:
    global _ALSA_HANDLER
    if _ALSA_HANDLER is not None or not sys.platform.startswith("linux"):
        return
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("asound")
    if name is None:
        return
    try:
        lib = ctypes.CDLL(name)
        kind = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                ctypes.c_int, ctypes.c_char_p)

        def to_log(file: bytes | None, line: int, func: bytes | None, err: int,
                   fmt: bytes | None) -> None:
            log.debug("ALSA %s:%d (%s): %s", (file or b"").decode(errors="replace"), line,
                      (func or b"").decode(errors="replace"),
                      (fmt or b"").decode(errors="replace"))

        _ALSA_HANDLER = kind(to_log)
        lib.snd_lib_error_set_handler(_ALSA_HANDLER)
    except (OSError, AttributeError) as e:  # no such library or symbol: nothing to quiet
        log.debug("ALSA messages stay on stderr: %s", e)


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    inputs: int
    outputs: int
    default_rate: float
    is_default_input: bool = False


def list_devices() -> list[Device]:
    sd = import_sounddevice()
    try:
        raw = sd.query_devices()
        default_in = sd.default.device[0]
    except Exception as e:  # PortAudio could not enumerate devices
        raise DeviceError(f"Could not list audio devices: {e}") from e
    return [
        Device(i, d["name"], d["max_input_channels"], d["max_output_channels"],
               d["default_samplerate"], is_default_input=(i == default_in))
        for i, d in enumerate(raw)
    ]


def resolve_input(devices: list[Device], wanted: str | int | None) -> Device:
    """Pick the input device for ``--input-device`` (index, exact or partial name, or default).

    Pure: takes the device list so it is tested without hardware.
    """
    inputs = [d for d in devices if d.inputs > 0]
    if not inputs:
        asked = "" if wanted is None or wanted == "" else f" (asked for {str(wanted)!r})"
        raise DeviceError(
            f"No microphone found{asked}: this machine has no audio input device.",
            "plug in or enable a microphone (and check it in your sound settings), then "
            "run `mockvoice devices` to see it; `mockvoice analyze FILE` works without one",
        )
    choices = ", ".join(f"{d.index}: {d.name}" for d in inputs)
    if wanted is None or wanted == "":
        for d in inputs:
            if d.is_default_input:
                return d
        return inputs[0]
    text = str(wanted).strip()
    if text.isdigit():
        for d in inputs:
            if d.index == int(text):
                return d
        raise DeviceError(f"No input device with index {text}.", f"use one of: {choices}")
    exact = [d for d in inputs if d.name.lower() == text.lower()]
    partial = [d for d in inputs if text.lower() in d.name.lower()]
    match = exact or partial
    if len(match) == 1 or exact:
        return match[0]
    if not match:
        raise DeviceError(f"No input device named {text!r}.", f"use one of: {choices}")
    names = ", ".join(f"{d.index}: {d.name}" for d in match)
    raise DeviceError(f"Input device name {text!r} matches several devices: {names}.",
                      "give its index or the full name")
