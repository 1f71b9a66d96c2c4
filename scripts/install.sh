#!/usr/bin/env bash
# Install everything mockvoice needs on Debian/Ubuntu: system packages, then the
# Python package and its dependencies into .venv (nothing outside the checkout).
#   scripts/install.sh          to practise
#   scripts/install.sh --test   also what the tests need (PulseAudio, Chromium, pytest)
# Both install the faster-whisper engine (the mockvoice[faster] extra) too.
# TORCH_SPEC picks the torch build (default torch==2.13.0, a CPU wheel where one is
# provided); TORCH_INDEX_URL, if set, is passed to pip for it, e.g.
# https://download.pytorch.org/whl/cpu to avoid a multi-GB CUDA build elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
packages=(python3 python3-venv espeak-ng libespeak-ng1 libportaudio2 ffmpeg alsa-utils)
# The tests record and play through a real audio server: PulseAudio with a null sink.
[ "$with_tests" = 1 ] && packages+=(pulseaudio pulseaudio-utils libasound2-plugins)
# ... and render the HTML report in a headless browser.
[ "$with_tests" = 1 ] && packages+=(chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($python --version)"
  "$python" -m venv .venv
fi
pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
torch_spec=${TORCH_SPEC:-torch==2.13.0}
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  echo "==> installing $torch_spec"
  if [ -n "${TORCH_INDEX_URL:-}" ]; then
    "${pip[@]}" "$torch_spec" --index-url "$TORCH_INDEX_URL"
  else
    "${pip[@]}" "$torch_spec"
  fi
fi
echo "==> installing mockvoice"
if [ "$with_tests" = 1 ]; then
  "${pip[@]}" -e ".[faster,test]"
else
  "${pip[@]}" -e ".[faster]"
fi
echo "==> done: run .venv/bin/mockvoice --help"
