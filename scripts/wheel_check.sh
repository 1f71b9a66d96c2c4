#!/usr/bin/env bash
# Build the wheel and sdist, install the wheel (not editable) into a fresh venv outside the
# checkout, and analyse a typed and a spoken answer from there: what `pip install` of a
# released mockvoice gives a user. scripts/test.sh runs it after the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d /tmp/mockvoice-wheel.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "==> building the wheel and sdist"
.venv/bin/python -m build --outdir "$work/dist" . >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; exit 1; }
wheel=$(ls "$work"/dist/mockvoice-*.whl)
ls "$work"/dist/mockvoice-*.tar.gz >/dev/null
# The question sets and the filler list ship inside the wheel.
.venv/bin/python - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
for need in ("mockvoice/prompts/recruiter.toml", "mockvoice/prompts/candidate.toml",
             "mockvoice/prompts/fillers.toml", "mockvoice/review/writers/templates/report.html.j2",
             "mockvoice/judge/calibration.json"):
    assert need in names, f"{need} is not in the wheel"
PY

echo "==> installing $(basename "$wheel") into a fresh venv in $work"
python=${PYTHON:-python3}
"$python" -m venv "$work/venv"
pip=("$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" "${TORCH_SPEC:-torch==2.13.0}" ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
"${pip[@]}" "$wheel"

echo "==> mockvoice analyze, from outside the checkout"
cd "$work"
export MOCKVOICE_HOME="$work/home" MOCKVOICE_CACHE="$work/cache"
printf 'I trained as a nurse in Leeds, and I have worked on a cardiac ward for six years. On Sundays I go climbing with my sister.\n' > answer.txt
"$work/venv/bin/mockvoice" analyze answer.txt --question 1 --json > text.json
"$work/venv/bin/mockvoice" analyze "$repo/tests/data/jfk.flac" --question 1 --json > audio.json
"$work/venv/bin/mockvoice" prompts | grep -q "recruiter    built-in"
"$work/venv/bin/python" - <<'PY'
import json
text, audio = json.load(open("text.json")), json.load(open("audio.json"))
covered = {g["id"] for g in text["guidance"] if g["covered"]}
assert covered == {"personal-interests", "qualifications", "career"}, covered
assert audio["words"] > 15 and audio["duration_s"] > 10, audio
print(f"wheel: text answer covers {sorted(covered)}; jfk.flac: {audio['words']} words")
PY
