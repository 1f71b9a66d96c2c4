"""Domain errors. Raised in the core, turned into one clear message at the CLI.

Each error names the thing that is wrong and, where there is one, the fix. The
CLI prints ``str(error)`` and exits with ``error.exit_code``; no traceback.
"""

from __future__ import annotations


class MockvoiceError(Exception):
    """Base for every error a user can cause or fix."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  fix: {self.hint}" if self.hint else self.message


class QuestionFileError(MockvoiceError):
    """A question set is missing or malformed; names the file, question and field."""

    exit_code = 2


class UsageError(MockvoiceError):
    """A flag or argument has a value we cannot use (unknown question number...)."""

    exit_code = 2


class AudioError(MockvoiceError):
    """Audio is missing, unreadable, empty or silent."""


class DeviceError(MockvoiceError):
    """No microphone / speaker, or the one asked for does not exist."""


class StorageError(MockvoiceError):
    """The recordings folder cannot be written, the disk is full, a session is unknown."""


class ModelError(MockvoiceError):
    """No usable Whisper checkpoint, or a library the model needs is missing."""


class MissingDependency(MockvoiceError):
    """A Python package or system library is not installed."""

    def __init__(self, package: str, purpose: str, cause: BaseException | None = None) -> None:
        detail = f" ({cause})" if cause else ""
        super().__init__(
            f"{package} is needed {purpose} but could not be loaded{detail}.",
            "run scripts/install.sh (it installs the system packages and the Python "
            "dependencies into .venv)",
        )
