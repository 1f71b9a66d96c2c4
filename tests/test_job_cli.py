"""The job on the command line and in a round: `mockvoice job FILE` and its TOML, `analyze
--job` judged against the advert, --company/--role, the job stored with a session and used
by `report` and `--retry`, and bad adverts refused with one clear message."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from fakes import FakeTranscriber  # type: ignore[import-not-found]
from test_cli import fails_clearly, imports_for, mockvoice
from test_session import SPEECH, FakeRecorder, RecordingUI
from test_sessions import timed

from mockvoice.audio.recording import StopPolicy
from mockvoice.audio.speech import SilentSpeaker
from mockvoice.cli.job import job_of
from mockvoice.cli.parser import build_parser
from mockvoice.cli.practice import _retry
from mockvoice.errors import UsageError
from mockvoice.job import MAX_BYTES, Job, job_from_flags, load_job, read_advert
from mockvoice.job.judge import JobJudge, rejudge
from mockvoice.practice.round import run_session
from mockvoice.questions import builtin_path, for_job, load_question_set, select
from mockvoice.results import AnswerReport, Transcript
from mockvoice.store.files import new_session_dir
from mockvoice.store.sessions import load_session

ADVERTS = Path(__file__).parent / "data" / "adverts"
WAREHOUSE = ADVERTS / "warehouse-operative.txt"
RECRUITER = load_question_set(builtin_path("recruiter"))
WHY = "Why are you interested in joining Harbourline Freight?"
# Names two of the advert's facts (a customer; the electric yard tractors) and two skills.
SPECIFIC = ("I want to join you because you supply Tillbrook Supermarkets, and you were the "
            "first to run electric yard tractors. I have a counterbalance forklift licence "
            "and I have used RF scanners every day for three years.")
# Generic praise: the meaning judge alone takes it as company-specific, the advert does not.
GENERIC = "I love your products and your mission, and your culture really appeals to me."


def analyze_json(tmp_path: Path, text: str, *flags: str) -> dict:
    answer = tmp_path / "answer.txt"
    answer.write_text(text, encoding="utf-8")
    result = mockvoice("analyze", str(answer), "--question", "3", "--json", *flags)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def covered(report: dict) -> dict[str, bool]:
    return {g["id"]: g["covered"] for g in report["guidance"]}


# --- mockvoice job FILE --------------------------------------------------------------------


def test_job_shows_what_was_found_and_writes_the_toml_beside_the_advert(tmp_path: Path) -> None:
    advert = shutil.copy(WAREHOUSE, tmp_path / "harbourline.txt")
    result = mockvoice("job", str(advert))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for line in ("company: Harbourline Freight", "role: Warehouse Operative",
                 "about the company (4):", "    - RF scanner", "requirements (7):",
                 "Our biggest customers include Tillbrook Supermarkets"):
        assert line in out, out
    written = tmp_path / "harbourline.toml"
    assert f"Wrote {written}" in result.stderr
    assert f"mockvoice practice --job {written}" in result.stderr
    # The round trip: the TOML loads back to what the advert gave.
    assert load_job(written) == read_advert(advert)
    # Shown again from the TOML: the same parts, and nothing written.
    again = mockvoice("job", str(written))
    assert again.returncode == 0 and again.stdout == out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["harbourline.toml", "harbourline.txt"]


def test_job_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "mine.toml"
    out.write_text("my notes\n")
    result = mockvoice("job", str(WAREHOUSE), "-o", str(out))
    fails_clearly(result, str(out), "already exists", "--force")
    assert result.returncode == 2 and out.read_text() == "my notes\n"
    assert "company: Harbourline Freight" in result.stdout  # shown all the same
    assert mockvoice("job", str(WAREHOUSE), "-o", str(out), "--force").returncode == 0
    assert load_job(out).company == "Harbourline Freight"


def test_a_corrected_toml_is_what_the_job_becomes(tmp_path: Path) -> None:
    toml = tmp_path / "job.toml"
    assert mockvoice("job", str(WAREHOUSE), "-o", str(toml)).returncode == 0
    text = toml.read_text(encoding="utf-8").replace('"Warehouse Operative"', '"Night Picker"')
    toml.write_text(text, encoding="utf-8")
    assert mockvoice("job", str(toml)).stdout.splitlines()[2] == "  role: Night Picker"


def test_job_imports_nothing_heavy() -> None:
    assert imports_for("job", str(WAREHOUSE), "-o", "/dev/null", "--force") == (
        "HEAVY:  CODE: 0")


# --- bad adverts ---------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"a" * (MAX_BYTES + 10), "larger than 200 kB"),
    (b"Caf\xe9 assistant wanted\n", "not UTF-8"),
])
@pytest.mark.parametrize("command", [["job"], ["analyze", "--question", "3", "--job"],
                                     ["practice", "--no-speak", "--job"],
                                     ["report", "latest", "--job"]])
def test_bad_adverts_get_one_clear_message(tmp_path: Path, content: bytes, problem: str,
                                           command: list[str]) -> None:
    advert = tmp_path / "advert.txt"
    advert.write_bytes(content)
    answer = tmp_path / "answer.txt"
    answer.write_text(GENERIC)
    args = [*command, str(advert)] + ([str(answer)] if command[0] == "analyze" else [])
    result = mockvoice(*args, env={"MOCKVOICE_RECORDINGS": str(tmp_path / "rec")})
    fails_clearly(result, str(advert), problem)
    assert result.returncode == 2
    assert result.stderr.count("mockvoice: error:") == 1 and "fix:" in result.stderr


def test_job_and_company_flags_together_are_refused(tmp_path: Path) -> None:
    result = mockvoice("analyze", str(WAREHOUSE), "--question", "3", "--job", str(WAREHOUSE),
                       "--company", "Harbourline Freight")
    fails_clearly(result, "--job and --company/--role")
    assert result.returncode == 2


# --- analyze --job -------------------------------------------------------------------------


def test_analyze_with_the_advert_judges_against_its_facts(tmp_path: Path) -> None:
    report = analyze_json(tmp_path, SPECIFIC, "--job", str(WAREHOUSE))
    assert report["question_text"] == WHY
    assert covered(report) == {"company-specific": True, "role-fit": True}
    evidence = {g["id"]: g["evidence"] for g in report["guidance"]}
    assert "Tillbrook Supermarkets" in evidence["company-specific"]
    items = {(j["point"], j["part"]): j for j in report["job_items"]}
    assert set(items) == {("company-specific", "company"), ("role-fit", "skills"),
                          ("role-fit", "requirements")}
    company = items["company-specific", "company"]
    assert [u.split()[0] for u in company["used"]] == ["Our", "We"]  # customers, tractors
    assert len(company["used"]) + len(company["unused"]) == 4
    assert any("40,000 pallets" in u for u in company["unused"])
    assert set(items["role-fit", "skills"]["used"]) == {"RF scanner", "counterbalance",
                                                        "forklift licence"}
    assert "reach truck" in items["role-fit", "skills"]["unused"]


def test_generic_praise_does_not_cover_company_specific_with_the_advert(tmp_path: Path) -> None:
    without = analyze_json(tmp_path, GENERIC)
    assert covered(without)["company-specific"] and without["job_items"] == []
    assert without["question_text"] == "Why are you interested in joining us?"
    judged = analyze_json(tmp_path, GENERIC, "--job", str(WAREHOUSE))
    assert not covered(judged)["company-specific"]
    [company] = [j for j in judged["job_items"] if j["part"] == "company"]
    assert company["used"] == [] and len(company["unused"]) == 4


def test_company_and_role_flags_name_the_company(tmp_path: Path) -> None:
    report = analyze_json(tmp_path, GENERIC, "--company", "Harbourline Freight", "--role",
                          "Warehouse Operative")
    assert report["question_text"] == WHY
    # No advert, so nothing to judge against: the meaning judge decides, as without a job.
    assert covered(report)["company-specific"] and report["job_items"] == []


def test_analyze_help_shows_the_job_flags() -> None:
    out = mockvoice("analyze", "--help").stdout
    assert "--job FILE" in out and "--company NAME" in out and "--role TITLE" in out


# --- the job in a round, stored with the session -------------------------------------------


def practise(tmp_path: Path, job: Job | None, answer: str = SPECIFIC) -> tuple[Path, list[str]]:
    """One round of question 3 with fake engines (the CLI names the questions likewise)."""
    speaker, folder = SilentSpeaker(), new_session_dir(tmp_path / "rec")
    run_session(for_job(select(RECRUITER, "3"), job), RECRUITER, folder=folder,
                speaker=speaker, recorder=FakeRecorder(SPEECH), ui=RecordingUI(),
                transcriber=FakeTranscriber([timed(answer)]), policy=StopPolicy,
                stop=threading.Event(), job=job)
    return folder, speaker.spoken


def test_a_round_stores_its_job_and_names_the_company(tmp_path: Path) -> None:
    job = read_advert(WAREHOUSE)
    folder, spoken = practise(tmp_path, job)
    assert spoken == [WHY]
    session = json.loads((folder / "session.json").read_text())
    assert session["job"]["company"] == "Harbourline Freight"
    assert session["answers"][0]["question_text"] == WHY
    report = json.loads((folder / "q03-why-join-us.report.json").read_text())
    assert report["question_text"] == WHY
    assert {g["id"]: g["covered"] for g in report["guidance"]}["company-specific"]
    assert report["job_items"][0]["used"]
    loaded = load_session(folder)
    assert loaded.job == job and not loaded.all_notes()
    assert loaded.answers[0].report is not None
    assert loaded.answers[0].report.job_items == AnswerReport.from_dict(report).job_items


def test_report_uses_the_stored_job_unless_another_is_given(tmp_path: Path) -> None:
    folder, _ = practise(tmp_path, read_advert(WAREHOUSE))
    stored = (folder / "q03-why-join-us.report.json").read_text()
    env = {"MOCKVOICE_RECORDINGS": str(tmp_path / "rec")}
    as_stored = json.loads(mockvoice("report", "latest", "--format", "json", env=env).stdout)
    assert as_stored["job"]["company"] == "Harbourline Freight"
    [answer] = as_stored["answers"]
    assert answer["report"]["job_items"] == json.loads(stored)["job_items"]
    text = mockvoice("report", "latest", env=env).stdout
    assert "Warehouse Operative at Harbourline Freight" in text
    assert "From the advert, about the company: used 2 of 4" in text
    markdown = mockvoice("report", "latest", "--format", "markdown", env=env).stdout
    assert "### From the job advert" in markdown and "Tillbrook Supermarkets" in markdown
    html = mockvoice("report", "latest", "--format", "html", "--audio", "wav", env=env).stdout
    assert '<ul class="job-items">' in html and '<q class="used">Our biggest' in html

    # Another advert: Tillbrook is no fact of The Copper Kettle, and nothing is rewritten.
    other = json.loads(mockvoice("report", "latest", "--format", "json", "--job",
                                 str(ADVERTS / "line-cook.txt"), env=env).stdout)
    assert other["job"]["company"] == "The Copper Kettle"
    hits = {g["id"]: g["covered"] for g in other["answers"][0]["report"]["guidance"]}
    assert hits["company-specific"] is False
    company = other["answers"][0]["report"]["job_items"][0]
    assert company["used"] == [] and any("Gloucester Road" in u for u in company["unused"])
    assert (folder / "q03-why-join-us.report.json").read_text() == stored


def test_an_old_session_without_a_job_loads_and_a_damaged_job_is_a_note(tmp_path: Path) -> None:
    folder, spoken = practise(tmp_path, None, GENERIC)
    assert spoken == ["Why are you interested in joining us?"]
    data = json.loads((folder / "session.json").read_text())
    assert "job" not in data and load_session(folder).job is None
    data["job"] = {"company": 3}
    (folder / "session.json").write_text(json.dumps(data))
    loaded = load_session(folder)
    assert loaded.job is None and loaded.answers[0].report is not None
    assert any("job stored in session.json is damaged" in n for n in loaded.notes)


def test_retry_uses_the_stored_job_unless_another_is_given(tmp_path: Path) -> None:
    folder, _ = practise(tmp_path, read_advert(WAREHOUSE))
    rec = str(tmp_path / "rec")

    def retry(*flags: str) -> Job | None:
        args = build_parser().parse_args(["practice", "--retry", f"{folder.name}:3",
                                          "--recordings", rec, *flags])
        _, questions, retry_of, stored = _retry(args)
        assert retry_of == f"{folder.name}:3" and questions[0].id == "why-join-us"
        return job_of(args, stored)

    assert retry() == read_advert(WAREHOUSE)
    assert retry("--company", "Quillstone") == job_from_flags("Quillstone", None)
    with pytest.raises(UsageError, match="--job and --company"):
        retry("--job", str(WAREHOUSE), "--role", "Chef")


# --- the judge, without the CLI ------------------------------------------------------------


class Says:
    """A stand-in judge: every point covered by the first sentence (what a generous
    meaning judge might decide), to show what the advert changes on its own."""

    def guidance(self, question, clean, sentences):  # type: ignore[no-untyped-def]
        from mockvoice.analysis.content import CueJudge

        hits = CueJudge().guidance(question, clean, sentences)
        return [h.__class__(h.id, h.label, True, " ".join(w.text for w in sentences[0]), 0.0)
                for h in hits]


def test_the_job_judge_wraps_another_judge() -> None:
    from mockvoice.analysis.core import analyze

    job = read_advert(WAREHOUSE)
    [question] = for_job(select(RECRUITER, "3"), job)
    generous = JobJudge(job, Says())
    report = analyze(Transcript.from_text(GENERIC), question, judge=generous)
    hits = {g.id: g.covered for g in report.guidance}
    assert hits == {"company-specific": False, "role-fit": True}  # role-fit: as wrapped
    [roles] = select(RECRUITER, "2")  # technologies: only the advert's skills cover it
    for said, made in (("I have used an RF scanner.", True),
                       ("I have never used an RF scanner.", False),
                       ("I used Java and Kubernetes.", False)):
        hits = {g.id: g for g in analyze(Transcript.from_text(said), roles,
                                         judge=JobJudge(job, Says())).guidance}
        assert hits["technologies"].covered is made, said
    # --company/--role only: no facts to judge against, so the wrapped judge decides.
    bare = analyze(Transcript.from_text(GENERIC), question,
                   judge=JobJudge(job_from_flags("Harbourline Freight", None), Says()))
    assert all(g.covered for g in bare.guidance)


def test_rejudge_counts_a_fact_named_in_a_reply_as_after_the_follow_up() -> None:
    from mockvoice.analysis.content import CueJudge
    from mockvoice.analysis.core import analyze

    job = read_advert(WAREHOUSE)
    [question] = select(RECRUITER, "3")
    answer, reply = Transcript.from_text(GENERIC), Transcript.from_text(
        "You deliver for Cobalt Pharmacy, and I would like to work on that contract.")
    report = rejudge(analyze(answer, question, judge=CueJudge()), job, [answer, reply])
    [hit] = [g for g in report.guidance if g.id == "company-specific"]
    assert hit.covered and hit.after_follow_up and "Cobalt Pharmacy" in (hit.evidence or "")
    assert any("Cobalt Pharmacy" in u for u in report.job_items[0].used)
