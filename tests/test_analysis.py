"""The pure analysis core, driven by plain strings and hand-built word lists."""

from __future__ import annotations

import pytest

from mockvoice.analysis.core import RULES, analyze
from mockvoice.questions import GuidancePoint, Question, builtin_path, load_question_set
from mockvoice.results import AnswerReport, Transcript, Word

QUESTIONS = {q.id: q for q in load_question_set(builtin_path("recruiter")).questions}
PLAIN = Question(1, "plain", "Say something.")


def report(text: str, question: Question = PLAIN) -> AnswerReport:
    return analyze(Transcript.from_text(text), question)


def fillers(text: str) -> list[str]:
    return [h.filler for h in report(text).fillers.hits]


def covered(text: str, qid: str) -> dict[str, str | None]:
    """Guidance id -> evidence sentence, for the covered points only."""
    return {g.id: g.evidence for g in report(text, QUESTIONS[qid]).guidance if g.covered}


# --- fillers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I like hiking.",
        "What kind of team do you have?",
        "It seems like a good fit.",
        "Do you know the answer?",
        "It looks like the tests pass.",
        "I would like to join.",
        "That sort of thing matters.",
        "What I mean is that we shipped.",
        "We actually shipped on time.",
        "I enjoy many sports, like tennis and chess.",
        "Like I said, it went well.",
        "I really like the people.",
    ],
)
def test_literal_uses_are_not_fillers(text):
    assert fillers(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It was, like, really hard.", ["like"]),
        ("Like, I think it went well.", ["like"]),
        ("it was like really hard", ["like"]),
        ("You know, we shipped it.", ["you know"]),
        ("It was hard, you know?", ["you know"]),
        ("I mean, it worked.", ["i mean"]),
        ("Basically we rewrote it.", ["basically"]),
        ("Actually, I led it.", ["actually"]),
        ("It was kind of hard.", ["kind of"]),
        ("I sort of led it.", ["sort of"]),
        ("It was kinda hard.", ["kind of"]),
        ("Um, I think so.", ["um"]),
    ],
)
def test_filler_uses_are_found(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [("um", "um"), ("Umm,", "um"), ("uhm", "um"), ("uh", "uh"), ("Uhh...", "uh"),
     ("er", "er"), ("erm", "er"), ("ah", "ah"), ("hmm", "hmm"), ("Hmmm.", "hmm"),
     ("mm", "mm"), ("mmm", "mm")],
)
def test_hesitation_spellings(spelling, canonical):
    hits = report(f"Then {spelling} we shipped it.").fillers.hits
    assert [(h.filler, h.text, h.kind) for h in hits] == [(canonical, spelling, "hesitation")]


def test_multi_word_fillers_across_punctuation_and_case():
    hits = report("YOU KNOW, it was hard. And, You, know, I MEAN... we did it.").fillers.hits
    assert [h.filler for h in hits] == ["you know", "you know", "i mean"]
    assert hits[0].text == "YOU KNOW," and hits[0].kind == "discourse"


def test_filler_counts_and_rates():
    r = report("Um, so, like, we um shipped it, you know, uh, on time basically. Umm.")
    f = r.fillers
    assert f.counts == {"um": 3, "basically": 1, "like": 1, "so": 1, "uh": 1, "you know": 1}
    assert f.total == 8 == sum(f.counts.values())
    assert (f.hesitations, f.discourse) == (4, 4)
    assert r.words == 14
    assert f.per_100_words == pytest.approx(8 / 14 * 100, abs=0.01)
    assert f.per_minute is None  # no timings in a text transcript
    assert "fillers" in r.part_tips["fillers"] and r.part_tips["fillers"] in r.tips


def test_fillers_carry_times_from_words():
    words = [Word("Um,", 0.5, 0.8), Word("I", 1.0, 1.1), Word("led", 1.1, 1.4),
             Word("it,", 1.4, 1.6), Word("you", 1.7, 1.8), Word("know.", 1.8, 2.0)]
    r = analyze(Transcript("Um, I led it, you know.", words, duration_s=2.5), PLAIN)
    assert [(h.filler, h.start) for h in r.fillers.hits] == [("um", 0.5), ("you know", 1.7)]


# --- timing ----------------------------------------------------------------------------


def timed(text: str, starts: list[float], length: float = 0.3) -> Transcript:
    words = [Word(t, s, s + length) for t, s in zip(text.split(), starts, strict=True)]
    return Transcript(text, words, duration_s=starts[-1] + length + 1.0)


def test_wpm_pauses_latency_from_timed_words():
    # 10 words, first at 1.5 s; a 3.7 s gap after word 5 and a 1.0 s gap (not long) after word 8.
    starts = [1.5, 2.0, 2.5, 3.0, 3.5, 7.5, 8.0, 8.5, 9.8, 10.3]
    r = analyze(timed("I led a big migration. It went well and we", starts), PLAIN)
    assert r.words == 10
    assert r.latency_s == 1.5
    assert r.duration_s == pytest.approx(11.6)
    assert len(r.pauses) == 1
    assert (r.pauses[0].start, r.pauses[0].end) == (pytest.approx(3.8), 7.5)
    assert r.pauses[0].length == pytest.approx(3.7)
    # speaking time = 10.6 - 1.5 - 3.7 = 5.4 s
    assert r.speaking_s == pytest.approx(5.4)
    assert r.wpm == pytest.approx(10 / 5.4 * 60, abs=0.1)
    assert r.wpm_overall == pytest.approx(10 / 11.6 * 60, abs=0.1)
    assert r.answer_s == pytest.approx(9.1) and r.trailing_s == pytest.approx(1.0)
    assert r.length_verdict == "short"  # 9 s against the 60-120 s advice
    assert "short" in r.part_tips["pace"]


def test_long_pause_threshold_is_a_parameter():
    starts = [0.2, 0.6, 3.0]
    t = timed("one two three", starts)
    assert len(analyze(t, PLAIN).pauses) == 1  # gap 2.1 s >= 2.0
    assert analyze(t, PLAIN, long_pause_s=2.5).pauses == []


def test_punctuation_words_are_not_counted_or_timed():
    words = [Word("Hello", 0.0, 0.4), Word("-", 0.4, 0.4), Word("world.", 3.0, 3.4),
             Word("...", 3.4, 3.5)]
    r = analyze(Transcript("Hello - world.", words, duration_s=4.0), PLAIN)
    assert r.words == 2
    assert len(r.pauses) == 1 and r.pauses[0].start == 0.4


def test_untimed_text_has_no_timing_measures():
    r = report("I led the team. We shipped.")
    assert (r.duration_s, r.speaking_s, r.wpm, r.latency_s, r.pauses) == (None, None, None,
                                                                          None, [])
    assert r.words == 6


def words_at(n: int, step: float, length: float) -> Transcript:
    words = [f"w{i}" for i in range(n)]  # all different: no repeats
    return timed(" ".join(words), [i * step for i in range(n)], length=length)


def test_pace_tips_use_the_stated_band():
    slow = words_at(100, 0.8, 0.5)  # ~75 wpm over 80 s
    fast = words_at(300, 0.3, 0.25)  # 200 wpm over 90 s
    good = words_at(200, 0.43, 0.35)  # ~140 wpm over 86 s
    assert "aim for 120-160" in analyze(slow, PLAIN).part_tips["pace"]
    assert "Slow down" in analyze(fast, PLAIN).part_tips["pace"]
    r = analyze(good, PLAIN)
    assert r.length_verdict == "ok" and r.wpm_band == (120.0, 160.0)
    assert "pace" not in str(r.tips) and r.tips == []
    assert r.part_tips["pace"].startswith("Length and pace were on target")
    narrow = analyze(good, PLAIN, pace_wpm=(100.0, 130.0))
    assert narrow.wpm_band == (100.0, 130.0) and "aim for 100-130" in narrow.part_tips["pace"]


def test_hesitations_heard_in_the_audio_count_towards_the_fillers_tip():
    from mockvoice.results import Hesitation

    # One "um" in the text of 45 words: few fillers, on the text alone.
    text = "Um I led the move to the new build system. " + "We shipped it on time. " * 7
    r = report(text)
    assert r.fillers.total == 1 and r.words == 45
    assert r.part_tips["fillers"].startswith("Few fillers")
    assert r.part_tips["fillers"] not in r.tips
    assert r.hesitations == [] and r.hesitations_per_minute is None  # not looked for
    # Two more heard in the audio that Whisper left out: 3 in 45 words, 6.7 a hundred.
    heard = [Hesitation(2.0, 0.4, "gap", "steady voice"),
             Hesitation(9.0, 0.5, "stretched", "steady voice")]
    r = analyze(Transcript.from_text(text), PLAIN, hesitations=heard)
    tip = r.part_tips["fillers"]
    assert tip.startswith("Cut the fillers: 3 in this answer") and "2 um/uh heard" in tip, tip
    assert tip in r.tips and r.hesitations == heard
    # One heard is not enough for the tip (2 in all).
    r = analyze(Transcript.from_text(text), PLAIN, hesitations=heard[:1])
    assert r.part_tips["fillers"].startswith("Few fillers")
    assert r.part_tips["fillers"] not in r.tips


@pytest.mark.parametrize(("seconds", "verdict"), [(30, "short"), (59, "short"), (61, "ok"),
                                                  (119, "ok"), (121, "long"), (200, "long")])
def test_answer_length_against_60_to_120_s(seconds, verdict):
    n = 20
    t = words_at(n, seconds / (n - 1), 0.3)
    r = analyze(t, PLAIN, long_pause_s=1000)  # gaps are not pauses: length is first to last word
    assert r.answer_s == pytest.approx(seconds + 0.3, abs=0.01)
    assert r.length_verdict == verdict


def test_empty_answer():
    r = analyze(Transcript(""), QUESTIONS["best-achievement"])
    assert r.words == 0 and r.fillers.total == 0 and r.fillers.per_100_words is None
    assert r.covered == 0
    assert r.tips == [QUESTIONS["best-achievement"].guidance[0].tip, r.part_tips["star"]]
    assert not any(p.present for p in r.star)


def test_words_fall_back_to_text():
    r = analyze(Transcript("I led it. Um, yes."), PLAIN)
    assert r.words == 5 and r.fillers.counts == {"um": 1}


# --- guidance --------------------------------------------------------------------------

STRONG = {
    "about-yourself": "I'm a software developer with five years at Shopify. I have a degree in "
    "computer science from Leeds. Outside of work I play chess, and in my spare time I climb.",
    "previous-roles": "At Acme I was a backend engineer on a team of six. I built the payments "
    "API in Python and Kafka, which cut checkout failures by a third.",
    "why-join-us": "I've been using your product for two years and I love your mission. My "
    "experience building payment systems is exactly what this role needs.",
    "best-achievement": "I led the migration of our billing system. It cut invoice errors by "
    "forty percent in three months.",
    "lowest-moment": "My lowest moment was when a release I pushed took down checkout for an "
    "hour. I apologised, worked with the on-call team to roll back, and I wrote a post-mortem. "
    "It taught me to always ship behind a feature flag.",
    "ideal-workplace": "I like a hybrid setup with two days in the office. I prefer "
    "asynchronous communication with few meetings. And I want mentors so I can keep growing.",
    "greatest-strength": "My greatest strength is debugging hard problems. Last year I tracked "
    "down a memory leak that had crashed our servers for weeks.",
    "not-good-at": "I'm not good at estimating large tasks. I'm working on it by breaking work "
    "into smaller pieces.",
}
WEAK = {
    "about-yourself": "I like solving problems and I'm a hard worker.",
    "previous-roles": "It was fine. I did a lot of things there and it was a good time.",
    "why-join-us": "I need a new job and I heard the salary is good.",
    "best-achievement": "We had a successful project and everyone was happy. We built it in 2019.",
    "lowest-moment": "I don't really have low moments. Things usually go well for me.",
    "ideal-workplace": "A nice place with good people and free coffee.",
    "greatest-strength": "I guess I just try my best at everything.",
    "not-good-at": "I'm a perfectionist and I work too hard.",
}


@pytest.mark.parametrize("qid", list(STRONG))
def test_strong_answer_covers_every_point_with_evidence(qid):
    got = covered(STRONG[qid], qid)
    assert list(got) == [g.id for g in QUESTIONS[qid].guidance]
    for evidence in got.values():
        assert evidence and evidence in STRONG[qid]


@pytest.mark.parametrize("qid", list(WEAK))
def test_weak_answer_covers_nothing_and_gets_a_tip_per_point(qid):
    r = report(WEAK[qid], QUESTIONS[qid])
    assert r.covered == 0
    assert r.part_tips["guidance"] == QUESTIONS[qid].guidance[0].tip
    assert r.tips[0] == QUESTIONS[qid].guidance[0].tip
    assert all(g.evidence is None and g.start is None for g in r.guidance)


def test_evidence_is_the_covering_sentence():
    got = covered(STRONG["best-achievement"], "best-achievement")
    assert got["own-role"] == "I led the migration of our billing system."
    assert got["measurable-result"] == "It cut invoice errors by forty percent in three months."


def test_evidence_start_time_from_whisper_words():
    words = [Word(" We", 0.4, 0.6), Word(" shipped.", 0.6, 1.0), Word(" I", 1.5, 1.6),
             Word(" designed", 1.6, 2.0), Word(" it,", 2.0, 2.2), Word(" um,", 2.3, 2.5),
             Word(" in", 2.6, 2.7), Word(" Go.", 2.7, 3.0)]
    r = analyze(Transcript("We shipped. I designed it, um, in Go.", words, 3.2),
                QUESTIONS["best-achievement"])
    own = next(g for g in r.guidance if g.id == "own-role")
    assert own.covered and own.evidence == "I designed it, um, in Go." and own.start == 1.5


def test_phrases_match_across_punctuation_and_fillers():
    assert "personal-interests" in covered("In my, um, FREE time, I paint.", "about-yourself")
    assert "qualifications" in covered("I have a Bachelor's in maths.", "about-yourself")


@pytest.mark.parametrize(
    "sentence",
    ["We cut costs by forty percent.", "Latency went from 900 to 120 milliseconds.",
     "We doubled sign-ups.", "It saved $2m a year.", "We halved the build time.",
     "Errors dropped 40%.", "It took three months.", "We reached ten thousand users.",
     "Revenue grew by twenty-five per cent.", "It made deploys 5x faster.",
     "Response times went from two seconds to two hundred ms.", "We reduced it by half."],
)
def test_quantity_rule_accepts_real_quantities(sentence):
    assert "measurable-result" in covered(sentence, "best-achievement")


@pytest.mark.parametrize(
    "sentence",
    ["We made it much better.", "It was in 2019.", "One day the boss called.",
     "It was a huge improvement.", "We improved performance a lot."],
)
def test_quantity_rule_rejects_vague_results(sentence):
    assert "measurable-result" not in covered(sentence, "best-achievement")


@pytest.mark.parametrize(
    "sentence", ["I led the project.", "I personally designed the schema.",
                 "My role was to own the rollout.", "I was responsible for the rollout.",
                 "I've built the whole pipeline.", "I took the lead on testing.",
                 "Then I, um, basically rewrote the parser."])
def test_first_person_action(sentence):
    assert "own-role" in covered(sentence, "best-achievement")


@pytest.mark.parametrize(
    "sentence", ["We built a new platform and we shipped it on time.",
                 "Our team led the migration.", "I think we did well.",
                 "The team was proud of me."])
def test_we_alone_is_not_own_role(sentence):
    assert "own-role" not in covered(sentence, "best-achievement")


def test_personal_interest_needs_a_real_pastime():
    assert "personal-interests" not in covered("I like solving problems.", "about-yourself")
    assert "personal-interests" not in covered("I was running the platform team.",
                                               "about-yourself")
    assert "personal-interests" in covered("I love to cook for friends.", "about-yourself")


def test_rules_are_named_and_callable():
    assert set(RULES) == {"quantity", "first-person-action"}
    assert not RULES["quantity"]("i was there for two years")  # a tenure, not a result
    assert RULES["quantity"]("cut costs by forty percent")
    assert not RULES["first-person-action"]("we shipped it")


def test_custom_point_words_allow_plurals_and_patterns():
    point = GuidancePoint("p", "P", "tip", words=("dog",), patterns=(r"\bcats? rule\b",))
    q = Question(1, "q", "Pets?", guidance=(point,))
    assert report("I have two dogs.", q).covered == 1
    assert report("Cats rule!", q).covered == 1
    assert report("I have a dogma.", q).covered == 0


@pytest.mark.parametrize(
    "sentence", ["I don't think I have any big weaknesses.", "I have no real weakness.",
                 "My weakness is that I'm a perfectionist."])
def test_unless_patterns_stop_a_denied_or_disguised_weakness(sentence):
    assert "real-weakness" not in covered(sentence, "not-good-at")


def test_a_plain_weakness_still_counts():
    assert "real-weakness" in covered("My weakness is estimating big tasks.", "not-good-at")
