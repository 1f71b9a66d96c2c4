"""Session report writers behind one small interface, each writing text to a stream.

``get_writer("html")`` returns a :class:`Writer`; ``writer.write(session, out)``
writes the whole report to ``out`` (a file, ``sys.stdout`` or an ``io.StringIO``
in tests). The built-in formats register here like any other would; each lives
in its own module, imported only when asked for, so listing the formats (and
``mockvoice --help``) loads none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from mockvoice.errors import UsageError

if TYPE_CHECKING:
    from mockvoice.store.sessions import Session


class Writer(Protocol):
    suffix: str  # the usual file extension, for messages and default names

    def write(self, session: Session, out: TextIO) -> None: ...


# format name -> "module:class"
WRITERS: dict[str, str] = {
    "text": "mockvoice.review.writers.text:TextWriter",
    "markdown": "mockvoice.review.writers.markdown:MarkdownWriter",
    "json": "mockvoice.review.writers.jsonout:JsonWriter",
    "html": "mockvoice.review.writers.html:HtmlWriter",
}


def get_writer(name: str, **options: Any) -> Writer:
    """The writer for a format; ``options`` go to its constructor (e.g. ``audio="wav"``)."""
    try:
        module_name, class_name = WRITERS[name].split(":")
    except KeyError:
        raise UsageError(f"Unknown report format {name!r}.",
                         f"choose one of: {', '.join(WRITERS)}") from None
    writer: Writer = getattr(importlib.import_module(module_name), class_name)(**options)
    return writer
