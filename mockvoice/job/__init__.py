"""Job adverts read by rules (no network, no language model): the company, the role, facts
about the company, the skills and the requirements, so questions can name the company and
answers be judged against what the advert says. ``parse_advert`` is the pure core;
``write_job`` saves a small TOML the person corrects and passes back with ``--job``.
The rules are conservative: a missed item can be added to the TOML, noise is harder to ignore.
Standard library only, so ``mockvoice --help`` stays instant.
"""

from mockvoice.job.advert import parse_advert, read_advert
from mockvoice.job.files import (
    advert_terms,
    job_from_flags,
    load_job,
    question_text,
    render_job,
    used_items,
    write_job,
)
from mockvoice.job.words import MAX_BYTES, SCHEMA, Job, JobError

__all__ = [
    "Job",
    "JobError",
    "MAX_BYTES",
    "SCHEMA",
    "advert_terms",
    "job_from_flags",
    "load_job",
    "parse_advert",
    "question_text",
    "read_advert",
    "render_job",
    "used_items",
    "write_job",
]
