"""Fakes shared by the tests of the session loop and of what reads its files."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any


class QuietUI:
    """A SessionUI that shows nothing: for tests that only look at the files written."""

    def question(self, *args: object) -> None: ...
    def warn(self, message: str) -> None: ...
    def answer_report(self, report: object) -> None: ...

    def recording(self, policy: object, path: Path) -> AbstractContextManager[Any]:
        return nullcontext(lambda *a: None)

    def waiting(self, message: str) -> AbstractContextManager[None]:
        return nullcontext()
