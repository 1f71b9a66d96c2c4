"""Fillers: the vocabulary file, clause-opening "so"/"well", tag "right?", bursts, rates."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockvoice.analysis.core import analyze
from mockvoice.analysis.fillers import (
    default_vocabulary,
    find_bursts,
    load_vocabulary,
    vocabulary_path,
)
from mockvoice.errors import QuestionFileError
from mockvoice.questions import Question
from mockvoice.results import FillerHit, Transcript, Word

PLAIN = Question(1, "plain", "Say something.")
BUILTIN = Path(__file__).resolve().parent.parent / "prompts" / "fillers.toml"


def fillers(text: str) -> list[str]:
    return [h.filler for h in analyze(Transcript.from_text(text), PLAIN).fillers.hits]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So I led the team.", ["so"]),
        ("Well, it depends.", ["well"]),
        ("Um, so, we shipped.", ["um", "so"]),
        ("Yeah, so I joined in May.", ["so"]),
        ("It was slow, so we rewrote it.", []),  # a conjunction, not a filler
        ("I think so.", []),
        ("So far it works.", []),
        ("It went well.", []),
        ("We did well, and then we grew.", []),
        ("We ship every day, right?", ["right"]),
        ("Is that right?", []),
        ("That's the right answer.", []),
        ("Actually, I led it.", ["actually"]),
        ("We actually shipped on time.", []),
        ("It was in design actually, so I moved.", []),
        ("We had like eight people.", ["like"]),
        ("It was like a dream.", []),
        ("Tools like Terraform help.", []),
        ("That's sort of the point.", ["sort of"]),
        ("What sort of team is it?", []),
    ],
)
def test_discourse_fillers_in_context(text, expected):
    assert fillers(text) == expected


def test_builtin_vocabulary_is_the_default(monkeypatch):
    monkeypatch.delenv("MOCKVOICE_FILLERS", raising=False)
    assert vocabulary_path() == BUILTIN
    vocab = default_vocabulary()
    assert {"um", "uh", "er", "ah", "hmm", "mm"} <= set(vocab.hesitations)
    assert {"like", "you know", "i mean", "so", "well", "right"} <= set(vocab.discourse)
    assert vocab.hedges[0].count(" ") >= vocab.hedges[-1].count(" ")  # longest first


def test_user_vocabulary_is_used(tmp_path, monkeypatch):
    mine = tmp_path / "fillers.toml"
    mine.write_text("schema = 1\n[hesitations]\num = 'u+m+'\n"
                    '[discourse.innit]\nbare = "filler"\n')
    monkeypatch.setenv("MOCKVOICE_FILLERS", str(mine))
    assert vocabulary_path() == mine
    vocab = load_vocabulary(mine)
    r = analyze(Transcript.from_text("Um, like, it was good innit."), PLAIN, vocabulary=vocab)
    assert r.fillers.counts == {"innit": 1, "um": 1}  # "like" is not in this vocabulary


def test_user_prompts_folder_without_fillers_falls_back_to_builtin(tmp_path, monkeypatch):
    monkeypatch.delenv("MOCKVOICE_FILLERS", raising=False)
    monkeypatch.setenv("MOCKVOICE_HOME", str(tmp_path))
    assert vocabulary_path() == BUILTIN
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "fillers.toml").write_text(BUILTIN.read_text())
    assert vocabulary_path() == tmp_path / "prompts" / "fillers.toml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("schema = 2", ["schema"]),
        ("schema = 1\ncolour = 1", ["colour", "unknown key"]),
        ("schema = 1\n[hesitations]\num = '(u'", ["hesitations.um", "invalid regex"]),
        ("schema = 1\n[discourse.like]\nbare = 'sometimes'", ["discourse.like.bare", "filler"]),
        ("schema = 1\n[discourse.like]\nwhere = 'middle'", ["discourse.like.where"]),
        ("schema = 1\n[discourse.like]\nliteral_prev = 'i'", ["literal_prev", "list"]),
        ("schema = 1\n[discourse.like]\nbefore = []", ["discourse.like.before", "unknown"]),
        ("schema = 1\n[discourse.'a b c']\nbare = 'filler'", ["one or two words"]),
        ("schema = 1\n[spellings]\nkinda = 'kind of'", ["spellings.kinda", "not a filler"]),
        ("schema = 1\n[hedges]\nwords = []", ["hedges.words", "unknown"]),
        ("schema = [", ["TOML"]),
    ],
)
def test_bad_vocabulary_names_file_and_field(tmp_path, text, expected):
    path = tmp_path / "fillers.toml"
    path.write_text(text)
    with pytest.raises(QuestionFileError) as e:
        load_vocabulary(path)
    assert str(path) in str(e.value)
    for part in expected:
        assert part in str(e.value)


def test_missing_vocabulary_file(tmp_path):
    with pytest.raises(QuestionFileError, match="cannot read"):
        load_vocabulary(tmp_path / "nope.toml")


# --- bursts and rates ------------------------------------------------------------------


def hits_at(*starts: float) -> list[FillerHit]:
    return [FillerHit("um", "um", "hesitation", s) for s in starts]


def test_three_within_ten_seconds_is_a_burst():
    assert find_bursts(hits_at(1.0, 5.0, 10.9)) != []
    assert find_bursts(hits_at(1.0, 5.0, 11.1)) == []  # the third is 10.1 s after the first
    assert find_bursts(hits_at(1.0, 2.0)) == []


def test_overlapping_bursts_merge_and_separate_ones_do_not():
    bursts = find_bursts(hits_at(0.0, 1.0, 2.0, 8.0, 12.0, 30.0, 31.0, 32.0, 60.0))
    assert [(b.start, b.end, b.count) for b in bursts] == [(0.0, 12.0, 5), (30.0, 32.0, 3)]


def test_untimed_hits_make_no_bursts():
    assert find_bursts([FillerHit("um", "um", "hesitation")] * 5) == []


def test_timed_fillers_rates_and_bursts_in_the_report():
    spoken = "Um, so, like, I think, uh, we did it. Then we shipped it to users."
    words = [Word(t, i * 0.5, i * 0.5 + 0.4) for i, t in enumerate(spoken.split())]
    r = analyze(Transcript(spoken, words, duration_s=8.0), PLAIN)
    f = r.fillers
    assert [(h.filler, h.start) for h in f.hits] == [("um", 0.0), ("so", 0.5), ("like", 1.0),
                                                     ("uh", 2.5)]
    assert r.speaking_s == pytest.approx(7.4)
    assert f.per_minute == pytest.approx(4 / 7.4 * 60, abs=0.01)
    assert f.per_100_words == pytest.approx(4 / 15 * 100, abs=0.01)
    assert len(f.bursts) == 1 and f.bursts[0].count == 4
    assert f.bursts[0].texts == ["Um,", "so,", "like,", "uh,"]
    assert '4 fillers in a row at 0:00 ("Um", "so", "like", "uh")' in r.part_tips["fillers"]
