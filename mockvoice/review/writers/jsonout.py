"""The whole session as one JSON document: the stored reports (each answer's with its
``voice`` section when its audio was measured) and transcripts, plus notes."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, TextIO

from mockvoice.results import SCHEMA_VERSION
from mockvoice.review.metrics import pitch_variation
from mockvoice.store.sessions import Answer, Session, summarise


class JsonWriter:
    suffix = ".json"

    def write(self, session: Session, out: TextIO) -> None:
        json.dump(as_dict(session), out, indent=2, ensure_ascii=False)
        out.write("\n")


def as_dict(session: Session) -> dict[str, Any]:
    summary = summarise(session)
    return {
        "schema": SCHEMA_VERSION, "kind": "session-report", "id": session.id,
        "folder": str(session.folder), "started": session.started, "status": session.status,
        "question_set": session.question_set,
        "job": session.job.to_dict() if session.job else None,
        "summary": {**asdict(summary), "fillers_per_minute": summary.fillers_per_minute,
                    "coverage": summary.coverage,
                    "coverage_first": summary.covered_first / summary.guidance
                    if summary.guidance else None,
                    # Each answer's own "voice" section has the rest (mockvoice.voice).
                    "pitch_variation_semitones": pitch_variation(session.reports)},
        "answers": [{
            **_recording(a), "report": a.report.to_dict() if a.report else None,
            "notes": a.notes,
            # The replies' own files; the report's "follow_ups" say what each one made.
            **({"follow_ups": [{"follow_up": f.follow_up, "point": f.point, **_recording(f)}
                               for f in a.follow_ups]} if a.follow_ups else {}),
        } for a in session.answers],
        "notes": session.notes,
    }


def _recording(a: Answer) -> dict[str, Any]:
    return {"question": a.question, "question_id": a.question_id,
            "question_text": a.question_text, "status": a.status, "duration_s": a.duration_s,
            "audio": a.audio.name if a.audio else None,
            "transcript": a.transcript.to_dict() if a.transcript else None}
