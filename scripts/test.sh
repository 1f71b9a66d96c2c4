#!/usr/bin/env bash
# Install everything (scripts/install.sh --test), start a real audio server with a
# null sink, run the linters and the whole test suite, then build the wheel and use it
# from a fresh venv outside the checkout. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test

# PulseAudio as a user-space daemon: a null sink "vsink" whose monitor is the
# default source, so what is played into it is what mockvoice records.
if ! pactl info >/dev/null 2>&1; then
  echo "==> starting PulseAudio with a null sink"
  pulseaudio --daemonize=yes --exit-idle-time=-1 -n \
    --load="module-null-sink sink_name=vsink" --load=module-native-protocol-unix \
    2>/dev/null
  for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
fi
pactl set-default-sink vsink 2>/dev/null || true
pactl set-default-source vsink.monitor 2>/dev/null || true

echo "==> ruff"
.venv/bin/ruff check mockvoice tests benchmarks
echo "==> mypy"
.venv/bin/mypy mockvoice
echo "==> pytest"
export MOCKVOICE_REQUIRE_AUDIO=1  # the audio-server tests must run here, not skip
.venv/bin/python -m pytest -q -ra --durations=20 "$@"
echo "==> the wheel, installed outside the checkout"
scripts/wheel_check.sh
