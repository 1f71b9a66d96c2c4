"""Question sets: the built-in recruiter set, selection, and every malformed-file error."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockvoice.errors import QuestionFileError, UsageError
from mockvoice.questions import (
    GuidancePoint,
    Question,
    builtin_path,
    load_question_set,
    select,
    set_files,
)

EXPECTED = {
    "about-yourself": ["personal-interests", "qualifications", "career"],
    "previous-roles": ["specific-tasks", "team-role", "technologies", "contribution-to-success"],
    "why-join-us": ["company-specific", "role-fit"],
    "best-achievement": ["measurable-result", "own-role"],
    "lowest-moment": ["setback", "how-overcome", "lesson"],
    "ideal-workplace": ["work-hours-or-remote", "communication-style", "growth-learning"],
    "greatest-strength": ["named-strength", "example"],
    "not-good-at": ["real-weakness", "improvement"],
}


@pytest.fixture(scope="module")
def recruiter():
    return load_question_set(builtin_path("recruiter"))


def test_builtin_set_has_the_eight_questions_in_order(recruiter):
    assert recruiter.name == "recruiter"
    assert recruiter.title
    assert [q.id for q in recruiter.questions] == list(EXPECTED)
    assert [q.number for q in recruiter.questions] == list(range(1, 9))
    for q in recruiter.questions:
        assert isinstance(q, Question)
        assert q.text.strip() and q.advice.strip()
        assert [g.id for g in q.guidance] == EXPECTED[q.id]
        for g in q.guidance:
            assert isinstance(g, GuidancePoint)
            assert g.label and g.tip
            assert g.phrases or g.words or g.patterns or g.rule


def test_builtin_texts(recruiter):
    assert recruiter.questions[0].text == "Tell me about yourself."
    assert recruiter.questions[7].text.startswith("What things are you not good at")


def test_builtin_path_default_and_user_override(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKVOICE_HOME", str(tmp_path))
    repo = Path(__file__).resolve().parent.parent
    assert builtin_path("recruiter") == repo / "prompts" / "recruiter.toml"
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "mine.toml").write_text(MINIMAL)
    assert builtin_path("mine") == tmp_path / "prompts" / "mine.toml"
    assert builtin_path("recruiter") == repo / "prompts" / "recruiter.toml"  # still built in
    (tmp_path / "prompts" / "recruiter.toml").write_text(MINIMAL)
    assert builtin_path("recruiter") == tmp_path / "prompts" / "recruiter.toml"
    origins = {s.name: s.origin for s in set_files()}
    assert origins == {"candidate": "built-in", "mine": "user", "recruiter": "user"}


def test_unknown_builtin_lists_available_sets(monkeypatch):
    with pytest.raises(QuestionFileError) as e:
        builtin_path("engineering-manager")
    assert "engineering-manager" in str(e.value)
    assert "recruiter" in str(e.value)
    with pytest.raises(QuestionFileError):
        builtin_path("../pyproject")


# --- selection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "numbers"),
    [
        (None, [1, 2, 3, 4, 5, 6, 7, 8]),
        ("1,4", [1, 4]),
        ("2-4", [2, 3, 4]),
        (" 1 , 6-8 ", [1, 6, 7, 8]),
        ("4,1", [4, 1]),
        ("1,1,1-2", [1, 2]),
        ("about-yourself,8", [1, 8]),
    ],
)
def test_select(recruiter, spec, numbers):
    assert [q.number for q in select(recruiter, spec)] == numbers


@pytest.mark.parametrize("spec", ["9", "0", "1,12", "3-1", "2-9", "abc", "1;2", "", " , ", "-1"])
def test_select_rejects_bad_specs_naming_the_range(recruiter, spec):
    with pytest.raises(UsageError) as e:
        select(recruiter, spec)
    assert "1-8" in str(e.value)


# --- malformed files -------------------------------------------------------------------

MINIMAL = """\
schema = 1
name = "mine"
title = "My questions"

[[questions]]
id = "first"
text = "First question?"

[[questions]]
id = "second"
text = "Second question?"
advice = "Be brief."
  [[questions.guidance]]
  id = "point"
  label = "A point"
  tip = "Make the point."
  phrases = ["the point"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "set.toml"
    path.write_text(text)
    return path


def test_minimal_file_loads(tmp_path):
    qs = load_question_set(write(tmp_path, MINIMAL))
    assert [q.id for q in qs.questions] == ["first", "second"]
    assert qs.questions[0].guidance == () and qs.questions[0].advice == ""
    assert qs.questions[1].guidance[0].phrases == ("the point",)
    assert qs.path == tmp_path / "set.toml"


# (replace this, with that, in MINIMAL) -> the error names these
CASES = [
    pytest.param('text = "Second question?"', 'text = "Second?"\ncolour = "red"',
                 ["question 2 (second)", "colour", "unknown key"], id="unknown-question-key"),
    pytest.param('tip = "Make the point."', 'tip = "Make the point."\nphrase = ["x"]',
                 ["question 2 (second)", "guidance[0].phrase", "unknown key"],
                 id="unknown-guidance-key"),
    pytest.param('title = "My questions"', 'title = "My questions"\nauthor = "me"',
                 ["author", "unknown key"], id="unknown-top-key"),
    pytest.param('text = "First question?"', "", ["question 1 (first)", "'text'", "missing"],
                 id="missing-text"),
    pytest.param('id = "first"', "", ["question 1", "'id'", "missing"], id="missing-id"),
    pytest.param('text = "First question?"', "text = 3",
                 ["question 1 (first)", "'text'", "string"], id="wrong-type-text"),
    pytest.param('phrases = ["the point"]', 'phrases = "the point"',
                 ["question 2 (second)", "guidance[0].phrases", "list"], id="wrong-type-phrases"),
    pytest.param('id = "second"', 'id = "first"',
                 ["question 2 (first)", "'id'", "duplicate"], id="duplicate-question-id"),
    pytest.param('phrases = ["the point"]',
                 'phrases = ["the point"]\n  [[questions.guidance]]\n  id = "point"\n'
                 '  label = "L"\n  tip = "T"\n  words = ["x"]',
                 ["question 2 (second)", "guidance[1].id", "duplicate"],
                 id="duplicate-guidance-id"),
    pytest.param('phrases = ["the point"]', "patterns = ['(unclosed']",
                 ["question 2 (second)", "guidance[0].patterns[0]", "invalid regex"],
                 id="invalid-regex"),
    pytest.param('phrases = ["the point"]', 'rule = "magic"',
                 ["question 2 (second)", "guidance[0].rule", "quantity"], id="unknown-rule"),
    pytest.param('phrases = ["the point"]', "", ["question 2 (second)", "guidance[0]", "cues"],
                 id="no-cues"),
    pytest.param('phrases = ["the point"]', 'words = ["two words"]',
                 ["question 2 (second)", "guidance[0].words[0]", "phrases"],
                 id="multi-word-word"),
    pytest.param('id = "first"', 'id = "First Q"', ["question 1", "'id'", "slug"],
                 id="bad-id"),
    pytest.param("schema = 1", 'schema = "1"', ["schema"], id="schema-type"),
    pytest.param("schema = 1", "schema = 7", ["schema", "newer"], id="schema-newer"),
    pytest.param('name = "mine"', "", ["'name'", "missing"], id="missing-name"),
    pytest.param('advice = "Be brief."', 'advice = "Be brief."\nstar = "yes"',
                 ["question 2 (second)", "'star'", "true or false"], id="star-not-bool"),
    pytest.param('phrases = ["the point"]', "phrases = ['x']\n  unless = ['(bad']",
                 ["question 2 (second)", "guidance[0].unless[0]", "invalid regex"],
                 id="invalid-unless-regex"),
    pytest.param('phrases = ["the point"]', "phrases = ['x']\n  unless = 'no'",
                 ["question 2 (second)", "guidance[0].unless", "list"], id="unless-not-list"),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_malformed_file_names_file_question_and_field(tmp_path, old, new, expected):
    assert old in MINIMAL
    path = write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(QuestionFileError) as e:
        load_question_set(path)
    message = str(e.value)
    assert str(path) in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert e.value.hint  # every error says how to fix it


def test_empty_question_list(tmp_path):
    path = write(tmp_path, 'schema = 1\nname = "x"\ntitle = "X"\nquestions = []\n')
    with pytest.raises(QuestionFileError, match="questions") as e:
        load_question_set(path)
    assert str(path) in str(e.value)


def test_toml_syntax_error(tmp_path):
    path = write(tmp_path, MINIMAL.replace('text = "First question?"', "text = First question?"))
    with pytest.raises(QuestionFileError, match="TOML syntax") as e:
        load_question_set(path)
    assert str(path) in str(e.value) and "line" in str(e.value)


def test_unreadable_file(tmp_path):
    path = tmp_path / "missing.toml"
    with pytest.raises(QuestionFileError, match="cannot read") as e:
        load_question_set(path)
    assert str(path) in str(e.value)
    with pytest.raises(QuestionFileError, match="cannot read"):
        load_question_set(tmp_path)  # a folder, not a file


def test_not_utf8(tmp_path):
    path = tmp_path / "set.toml"
    path.write_bytes(b'name = "\xff"\n')
    with pytest.raises(QuestionFileError, match="UTF-8"):
        load_question_set(path)


def test_questions_module_is_light():
    # The CLI imports this for --help and listing; it must not pull in numpy or torch.
    import subprocess
    import sys

    code = ("import sys, mockvoice.questions, mockvoice.analysis.core; "
            "print(any(m in sys.modules for m in ('numpy', 'torch', 'whisper')))")
    repo = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=repo, check=True)
    assert out.stdout.strip() == "False"


def test_star_and_unless_load(tmp_path):
    text = MINIMAL.replace('advice = "Be brief."', 'advice = "Be brief."\nstar = true').replace(
        'phrases = ["the point"]', "phrases = ['the point']\n  unless = ['\\bnot the point']")
    q = load_question_set(write(tmp_path, text)).questions[1]
    assert q.star and q.guidance[0].unless == (r"\bnot the point",)
    assert load_question_set(write(tmp_path, MINIMAL)).questions[1].star is False


def test_filler_vocabulary_is_not_a_question_set(monkeypatch):
    from mockvoice.questions import available_sets

    assert "fillers" not in available_sets() and "recruiter" in available_sets()
    with pytest.raises(QuestionFileError):
        builtin_path("fillers")
