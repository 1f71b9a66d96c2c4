"""Work nobody waits for any more, stopped at its next step.

When Ctrl-C ends a round, the live transcriber's thread may be in the middle of a
Whisper decode. Waiting for it made the round end seconds late (over 30 s on a
busy machine), and leaving it running on a daemon thread made the interpreter
abort at exit (torch's threads still in use). Instead the thread is marked
abandoned; the model calls that thread makes check the mark before each
encoder or decoder step (a hook of :mod:`mockvoice.transcribe.patches`) and raise
:class:`Abandoned`, and the thread ends at once.
"""

from __future__ import annotations

import threading
import weakref


class Abandoned(BaseException):
    """Raised in a thread whose work was abandoned.

    A BaseException, like asyncio's CancelledError: it is not a failure, and
    ``except Exception`` handlers that log failures let it through.
    """


_marked: weakref.WeakSet[threading.Thread] = weakref.WeakSet()


def abandon(thread: threading.Thread) -> None:
    """Mark ``thread``: its next :func:`check` raises :class:`Abandoned`."""
    _marked.add(thread)


def check() -> None:
    """Raise :class:`Abandoned` in a thread marked by :func:`abandon`."""
    if threading.current_thread() in _marked:
        raise Abandoned(f"{threading.current_thread().name}: its work was abandoned")
