"""Job adverts: the rules on ten team-written adverts, bad files, the job TOML, questions
that name the company, and which advert items an answer used."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from mockvoice.errors import UsageError
from mockvoice.job import (
    MAX_BYTES,
    Job,
    JobError,
    advert_terms,
    job_from_flags,
    load_job,
    parse_advert,
    question_text,
    read_advert,
    render_job,
    used_items,
    write_job,
)
from mockvoice.questions import builtin_path, load_question_set

ADVERTS = Path(__file__).parent / "data" / "adverts"
EXPECTED = tomllib.loads((ADVERTS / "expected.toml").read_text(encoding="utf-8"))["advert"]


def _contains(items: tuple[str, ...], text: str) -> bool:
    return any(text.lower() in item.lower() for item in items)


@pytest.fixture(scope="module")
def harbourline() -> Job:
    return read_advert(ADVERTS / "warehouse-operative.txt")


# --- reading adverts -----------------------------------------------------------------------


def test_every_advert_in_the_folder_has_expectations():
    files = {p.name for p in ADVERTS.iterdir() if p.suffix in (".txt", ".md")} - {"README.md"}
    assert files == {e["file"] for e in EXPECTED}
    assert len(files) >= 8


@pytest.mark.parametrize("want", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_advert_reading(want):
    job = read_advert(ADVERTS / want["file"])
    assert job.company == (want["company"] or None)
    assert job.role == (want["role"] or None)
    assert job.source == str(ADVERTS / want["file"])
    skills = {s.lower() for s in job.skills}
    assert [s for s in want["skills"] if s.lower() not in skills] == [], job.skills
    for part in ("about", "requirements"):
        found = getattr(job, part)
        assert [t for t in want[part] if not _contains(found, t)] == [], found
        assert [t for t in want[f"not_{part}"] if _contains(found, t)] == [], found
    assert [t for t in want["not_skills"] if _contains(job.skills, t)] == [], job.skills


def test_every_advert_finds_something_of_every_part():
    for want in EXPECTED:
        job = read_advert(ADVERTS / want["file"])
        assert job.about and job.skills and job.requirements, want["file"]


@pytest.mark.parametrize(("text", "company", "role"), [
    ("# Barista at The Roasting Shed\n\nGreat coffee, great people.\n", "The Roasting Shed",
     "Barista"),
    ("Mobile Mechanic - Fenwick Fleet Care\n\nCome and fix vans.\n", "Fenwick Fleet Care",
     "Mobile Mechanic"),
    ("Company: Orchard Lane Dental\nJob title: Dental Receptionist\n", "Orchard Lane Dental",
     "Dental Receptionist"),
    ("Alder & Rowe is hiring! We are looking for an experienced payroll administrator to "
     "join us.\n", "Alder & Rowe", "payroll administrator"),
    ("Fancy a change? Join Pinecrest Care as a night carer.\n\nPinecrest Care runs four "
     "homes in Kent.\n", "Pinecrest Care", None),
    ("We need someone good with numbers.\n", None, None),
])
def test_company_and_role_patterns(text, company, role):
    job = parse_advert(text)
    assert (job.company, job.role) == (company, role)


def test_requirements_are_one_item_per_bullet_and_about_comes_from_its_section():
    job = parse_advert("Baker\n\nAbout us:\nWe bake sourdough for twenty cafes in Leeds.\n\n"
                       "Requirements:\n- Two years in a bakery\n- Food hygiene level 2\n"
                       "  (we can train you)\n\nBenefits:\n- Free bread\n")
    assert job.about == ("We bake sourdough for twenty cafes in Leeds.",)
    assert job.requirements == ("Two years in a bakery", "Food hygiene level 2 (we can train you)")
    assert job.skills == ("food hygiene",)


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "is empty"),
    (b"  \n\t\n   \r\n", "is empty"),
    (b"%PDF-1.7\n\x00\x01\x02binary\x00stream", "binary file"),
    (bytes(range(1, 32)) * 20, "binary file"),
    (b"Caf\xe9 assistant wanted, \xa312 an hour\n", "not UTF-8"),
    (b"x" * (MAX_BYTES + 1), "larger than 200 kB"),
])
@pytest.mark.parametrize("suffix", [".txt", ".md", ".toml"])
def test_bad_files_give_one_clear_error_naming_the_file(tmp_path, content, problem, suffix):
    path = tmp_path / f"advert{suffix}"
    path.write_bytes(content)
    with pytest.raises(JobError) as info:
        load_job(path)
    assert str(path) in str(info.value) and problem in str(info.value)
    assert info.value.hint and info.value.exit_code == 2
    if suffix != ".toml":
        with pytest.raises(JobError, match=problem):
            read_advert(path)


def test_a_missing_file_or_a_folder_is_a_job_error(tmp_path):
    for path in (tmp_path / "nope.txt", tmp_path / "nope.toml", tmp_path):
        with pytest.raises(JobError, match="cannot read") as info:
            load_job(path)
        assert str(path) in str(info.value)


def test_a_large_advert_under_the_limit_is_read(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Cleaner at Brook House\n\n" + "We clean offices in Hull. " * 7000)
    assert path.stat().st_size < MAX_BYTES
    assert read_advert(path).company == "Brook House"


def test_utf8_with_a_byte_order_mark_and_windows_line_ends(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffPorter – St Anne’s Hospice\r\n\r\nWe care for 40 patients.\r\n"
                     .encode())
    job = read_advert(path)
    assert (job.company, job.role) == ("St Anne's Hospice", "Porter")


# --- the job TOML --------------------------------------------------------------------------


@pytest.mark.parametrize("want", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_write_and_load_round_trip(tmp_path, want):
    job = read_advert(ADVERTS / want["file"])
    out = write_job(job, tmp_path / "job.toml")
    assert load_job(out) == job
    text = out.read_text(encoding="utf-8")
    assert text.startswith("#") and "--job" in text and "schema = 1" in text


def test_round_trip_of_awkward_text_and_missing_parts(tmp_path):
    job = Job(None, 'Chef "de partie"', about=("Back\\slash, tab\tand é",), source="x.txt")
    out = write_job(job, tmp_path / "job.toml")
    assert load_job(out) == job
    assert '# company = ""' in out.read_text(encoding="utf-8")


def test_write_refuses_to_overwrite_unless_forced(tmp_path, harbourline):
    out = tmp_path / "job.toml"
    out.write_text("mine\n")
    with pytest.raises(JobError, match="already exists") as info:
        write_job(harbourline, out)
    assert str(out) in str(info.value) and "--force" in str(info.value)
    assert out.read_text() == "mine\n"
    write_job(harbourline, out, force=True)
    assert load_job(out) == harbourline


def test_write_into_a_missing_folder_is_a_job_error(tmp_path, harbourline):
    with pytest.raises(JobError, match="cannot write"):
        write_job(harbourline, tmp_path / "no" / "job.toml")


@pytest.mark.parametrize(("body", "field"), [
    ('schema = 1\ncompany = "A"\nsalary = "lots"\n', "salary"),
    ('company = "A"\n', "schema"),
    ('schema = 2\n', "schema"),
    ('schema = true\n', "schema"),
    ('schema = 1\ncompany = 3\n', "company"),
    ('schema = 1\nrole = ""\n', "role"),
    ('schema = 1\nrole = ["Chef"]\n', "role"),
    ('schema = 1\nskills = "Python"\n', "skills"),
    ('schema = 1\nskills = ["Python", 3]\n', "skills[1]"),
    ('schema = 1\nabout = ["  "]\n', "about[0]"),
    ('schema = 1\nsource = 1\n', "source"),
])
def test_toml_validation_names_the_file_and_field(tmp_path, body, field):
    path = tmp_path / "job.toml"
    path.write_text(body)
    with pytest.raises(JobError) as info:
        load_job(path)
    assert f"{path}: field '{field}':" in str(info.value)
    assert info.value.hint


def test_toml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "job.toml"
    path.write_text("schema = 1\ncompany = Harbourline\n")
    with pytest.raises(JobError, match="TOML syntax error") as info:
        load_job(path)
    assert str(path) in str(info.value)


def test_a_minimal_toml_and_an_advert_both_load(tmp_path):
    path = tmp_path / "job.toml"
    path.write_text('schema = 1\ncompany = "Harbourline Freight"\n')
    assert load_job(path) == Job("Harbourline Freight", None, source=str(path))
    assert load_job(ADVERTS / "line-cook.txt") == read_advert(ADVERTS / "line-cook.txt")


def test_job_from_flags():
    assert job_from_flags("Harbourline Freight", " Warehouse Operative ") == Job(
        "Harbourline Freight", "Warehouse Operative", source="--company/--role")
    assert job_from_flags("Harbourline Freight", None).role is None
    with pytest.raises(UsageError, match="--company is empty"):
        job_from_flags("  ", "Chef")
    with pytest.raises(UsageError, match="No job given"):
        job_from_flags(None, None)


def test_render_job_lists_each_part_and_says_what_was_not_found(harbourline):
    text = render_job(harbourline)
    assert "company: Harbourline Freight" in text and "role: Warehouse Operative" in text
    assert "    - RF scanner" in text and "not found" not in text
    text = render_job(job_from_flags("Harbourline Freight", None))
    assert "role: not found" in text and "skills: not found" in text
    assert "not found: role, about the company, skills, requirements" in text
    assert "TOML" in text and "--job" in text


# --- questions -----------------------------------------------------------------------------

NAMED = {
    "why-join-us": "Why are you interested in joining Harbourline Freight?",
    "like-best-company": "What do you like best about Harbourline Freight?",
}


@pytest.mark.parametrize("set_name", ["recruiter", "candidate"])
def test_question_text_names_the_company_only_where_it_should(set_name, harbourline):
    questions = load_question_set(builtin_path(set_name)).questions
    for q in questions:
        assert question_text(q.text, harbourline) == NAMED.get(q.id, q.text), q.id
        assert question_text(q.text, None) == q.text
        assert question_text(q.text, Job(None, "Chef")) == q.text
    assert any(q.id in NAMED for q in questions)


@pytest.mark.parametrize(("text", "named"), [
    ("Why do you want to work for us?", "Why do you want to work for Quillstone?"),
    ("What do you know about this company?", "What do you know about Quillstone?"),
    ("Tell us about yourself.", "Tell us about yourself."),
    ("What did you like about the company you work for now?",
     "What did you like about the company you work for now?"),
    ("What does an ideal company look like to you?",
     "What does an ideal company look like to you?"),
])
def test_question_text_rules(text, named):
    assert question_text(text, Job("Quillstone", None)) == named


# --- advert items an answer used -----------------------------------------------------------


def test_advert_terms(harbourline):
    terms = advert_terms(harbourline)
    assert set(terms) == {"company", "skills", "requirements"}
    assert terms["company"][0] == "Harbourline Freight"
    assert {"Tillbrook Supermarkets", "Cobalt Pharmacy", "East Anglia"} <= set(terms["company"])
    assert set(harbourline.about) <= set(terms["company"])
    assert terms["skills"] == harbourline.skills
    assert terms["requirements"] == harbourline.requirements


def test_used_skills_any_case_and_plural(harbourline):
    used, unused = used_items(harbourline, "I've driven reach trucks and used RF Scanners "
                                           "every day, with my forklift license.")
    assert used == ("RF scanner", "reach truck", "forklift licence")
    assert set(used) | set(unused) == set(harbourline.skills)
    assert not set(used) & set(unused)


def test_used_skills_need_whole_words_and_the_capitals_of_ordinary_words():
    job = Job("Pellow & Finch", None, skills=("Excel", "SQL", "VAT"))
    assert used_items(job, "I excel at valuations and NoSQL.")[0] == ()
    assert used_items(job, "I did the VAT in Excel.")[0] == ("Excel", "VAT")


def test_used_company_facts(harbourline):
    used, unused = used_items(harbourline, "I know you supply Tillbrook Supermarkets and "
                                           "you're going electric with your yard tractors.",
                              "company")
    assert "Tillbrook Supermarkets" in used
    assert _contains(used, "biggest customers include") and _contains(used, "electric yard")
    assert "Harbourline Freight" in unused and _contains(unused, "40,000 pallets")


def test_generic_praise_uses_no_company_fact(harbourline):
    for answer in ("Your company is a great place to grow and develop your career.",
                   "I love your values and I think they match mine really well.",
                   "I'd love to work for a company that's clearly going places.",
                   "I'm looking for a new challenge as a warehouse operative."):
        assert used_items(harbourline, answer, "company")[0] == (), answer


def test_used_requirements(harbourline):
    used, _ = used_items(harbourline, "I've got steel toe-cap boots.", "requirements")
    assert used == ("Steel toe-cap boots (we will reimburse you)",)


def test_used_items_of_an_unknown_part(harbourline):
    with pytest.raises(ValueError, match="company, skills, requirements"):
        used_items(harbourline, "text", "salary")


def test_for_job_names_the_company_in_questions_and_follow_ups(harbourline):
    from mockvoice.questions import for_job

    questions = load_question_set(builtin_path("recruiter")).questions
    named = {q.id: q for q in for_job(questions, harbourline)}
    why = named["why-join-us"]
    assert why.text == NAMED["why-join-us"]
    follow = {p.id: p.follow_up for p in why.guidance}
    assert follow["company-specific"] == ("What do you know about Harbourline Freight, and "
                                          "what appeals to you?")
    assert [p.examples for p in why.guidance] == [
        p.examples for q in questions if q.id == "why-join-us" for p in q.guidance]
    assert for_job(questions, None) == list(questions)
    assert for_job(questions, Job(None, "Chef")) == list(questions)


def test_a_job_as_stored_in_a_session_round_trips(harbourline):
    assert Job.from_dict(harbourline.to_dict()) == harbourline
    assert Job.from_dict({"company": "A"}) == Job("A", None)
    for bad in ({"company": 3}, {"skills": "Python"}, {"about": [1]}):
        with pytest.raises(ValueError):
            Job.from_dict(bad)
