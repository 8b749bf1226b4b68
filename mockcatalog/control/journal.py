"""What the mock received: a bounded journal of requests, the contract violations and suspects
among them, the errors inside the mock itself, and (through :func:`record`) the contract coverage.

Strict mode tells three kinds of contract trouble apart: a **violation** is a request the real
service rejects (the mock answered it with an error a violation type raises); a **suspect** is
one the real service answers, but that names a query parameter Adobe does not document (a typo
such as ``sort`` for ``orderBy`` silently filters everything out there); an **unsupported** call
is one the real service answers and the mock cannot, of one of three kinds (``cannot``): a Platform
operation it does not serve (501, see ``contract/scope.py``), a feature it has not built (501), or
a limit of the mock (413 naming the bound).

All are bounded (a long-lived server must not grow without limit): the journal keeps the newest
``maxlen`` requests, with each body cut to :data:`MAX_BODY_BYTES` as it is recorded (a 48 MiB
upload costs the journal 64 KiB), and the mock's answer to it kept only when it is JSON or text,
cut to :data:`MAX_ANSWER_BYTES`; the violation and mock-error lists keep the first ``maxlen``
(the first ones explain the rest). Credentials are masked before anything is shown.

Each entry has a number (``seq``), counted from 1 and never reused (not even after a clear), by
which the dashboard opens it; :func:`verdict` says in one word what it was.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from mockcatalog.contract.validation import parse_json
from mockcatalog.core.errors import InvalidRequest

MAX_BODY_BYTES = 64 * 1024
#: What a journal entry keeps of the mock's answer (JSON or text only: a file's bytes are counted,
#: not kept): every error body whole, a page of a list only in part.
MAX_ANSWER_BYTES = 8 * 1024
#: What a journal entry keeps of the request's URL and headers, in characters; past it, the longest
#: values are cut (a 200 KB token stays a few KB in each of the thousand entries).
MAX_ENVIRON_CHARS, MAX_VALUE_CHARS = 16 * 1024, 2 * 1024
_MASKED_HEADERS = frozenset({"authorization", "cookie"})
#: Secrets a body or a query string may carry (the fake IMS takes a client secret and answers a
#: token; with interception a real client's own secret arrives there): shown as ``***``.
_MASKED_FIELDS = frozenset({"client_secret", "access_token", "refresh_token", "jwt_token", "password"})
_MASKED_FORM_FIELD = re.compile(r"(?<![^&?])(" + "|".join(sorted(_MASKED_FIELDS)) + r")=[^&\s]*")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the mock saw it, with the answer it gave."""

    method: str
    path: str
    operation: str | None  # "POST /batches" (spec path, whatever prefix was used), None if unmatched
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    status: int
    time_ms: int
    violation: str | None = None  # why the real service would have rejected it, if it would
    errors: dict[str, Any] = field(default_factory=dict)
    mock_error: str | None = None  # the traceback, when the mock itself failed (a 500)
    #: undocumented query parameter -> what the real service makes of it (with a did-you-mean)
    suspects: dict[str, list[str]] = field(default_factory=dict)
    #: why the mock could not answer as the real service does (not the client's error) ...
    unsupported: str | None = None
    #: ... and which kind of "cannot" that was: "not served", "not built" or "limit"
    cannot: str | None = None
    seq: int = 0  # the entry's number in the journal (from 1; never reused)
    body_size: int = 0  # the request body's size, of which ``body`` keeps MAX_BODY_BYTES
    answer: Any = None  # the answer's body, as ``body`` (None if empty, or neither JSON nor text)
    answer_size: int = 0  # the answer body's size, of which ``answer`` keeps MAX_ANSWER_BYTES

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        """One line: ``POST /data/foundation/import/batches {"datasetId": "x"} -> 201``."""
        query = "&".join(f"{k}={v}" for k, values in self.query.items() for v in values)
        body = "" if self.body is None else " " + json.dumps(self.body, sort_keys=True)[:200]
        return f"{self.method} {self.path}{'?' + query if query else ''}{body} -> {self.status}"


#: What a request was, in one word, most telling first: the real service would reject it; the mock
#: failed on it; the mock could not answer it as the real service does; it named a parameter Adobe
#: does not document; none of these.
VERDICTS = ("violation", "mock-error", "unsupported", "suspect", "ok")


def verdict(entry: RecordedRequest | RawExchange) -> str:
    """One of :data:`VERDICTS`: the first that applies to ``entry``."""
    if entry.violation:
        return "violation"
    if entry.mock_error:
        return "mock-error"
    if entry.unsupported:
        return "unsupported"
    return "suspect" if entry.suspects else "ok"


#: Objects a WSGI environ carries besides the request's variables; a journal entry drops them, so it
#: does not keep the server's connection or werkzeug's request object alive.
SERVER_OBJECTS = (
    "wsgi.input", "wsgi.errors", "wsgi.file_wrapper", "werkzeug.request", "werkzeug.socket",
    "waitress.client_disconnected",
)  # fmt: skip


@dataclass(slots=True)  # not frozen, though never changed: a frozen init costs more, on every request
class RawExchange:
    """What the journal keeps per request: the raw pieces, turned into a :class:`RecordedRequest`
    only when someone reads the journal (recording is on every request's path; reading is rare).

    ``environ`` is a copy of the request's WSGI environ without :data:`SERVER_OBJECTS`: a dict copy
    costs a tenth of picking the headers out of it (bench/bench_live.py measured the journal as
    the largest part of the mock's own cost on a live server).
    """

    environ: dict[str, Any]
    operation: str | None
    body: bytes  # at most MAX_BODY_BYTES of it
    body_size: int  # the whole body's
    status: int
    time_ms: int
    violation: str | None = None
    errors: Any = None
    mock_error: str | None = None
    suspects: dict[str, list[str]] | None = None
    unsupported: str | None = None
    cannot: str | None = None
    answer: bytes = b""  # at most MAX_ANSWER_BYTES of it, and only of JSON or text
    answer_size: int = 0
    answer_type: str | None = None
    seq: int = 0  # set by the journal as it records it

    @classmethod
    def of(
        cls,
        environ: dict[str, Any],
        operation: str | None,
        body: bytes,
        status: int,
        time_ms: int,
        violation: str | None = None,
        errors: Any = None,
        mock_error: str | None = None,
        suspects: dict[str, list[str]] | None = None,
        unsupported: str | None = None,
        cannot: str | None = None,
        answer: bytes = b"",
        answer_type: str | None = None,
    ) -> RawExchange:
        kept = environ.copy()
        for name in SERVER_OBJECTS:
            kept.pop(name, None)
        if sum(len(value) for value in kept.values() if value.__class__ is str) > MAX_ENVIRON_CHARS:
            kept = _cut_environ(kept)
        cut = body[:MAX_BODY_BYTES] if len(body) > MAX_BODY_BYTES else body
        answer_size = len(answer)
        if answer_size > MAX_ANSWER_BYTES or not _is_text(answer_type):
            answer = answer[:MAX_ANSWER_BYTES] if _is_text(answer_type) else b""
        return cls(
            kept,
            operation,
            cut,
            len(body),
            status,
            time_ms,
            violation,
            errors,
            mock_error,
            suspects,
            unsupported,
            cannot,
            answer,
            answer_size,
            answer_type,
        )

    def recorded(self) -> RecordedRequest:
        environ = self.environ
        headers = [(key[5:], value) for key, value in environ.items() if key.startswith("HTTP_")]
        if environ.get("CONTENT_TYPE"):
            headers.append(("CONTENT_TYPE", environ["CONTENT_TYPE"]))
        return RecordedRequest(
            method=environ.get("REQUEST_METHOD", ""),
            path=_wsgi_text(environ.get("PATH_INFO", "")),
            operation=self.operation,
            query={
                name: ["***"] * len(values) if name in _MASKED_FIELDS else values
                for name, values in urllib.parse.parse_qs(
                    _wsgi_text(environ.get("QUERY_STRING", "")), keep_blank_values=True
                ).items()
            },
            headers=recorded_headers((name.replace("_", "-").title(), value) for name, value in headers),
            body=recorded_body(self.body, self.body_size, environ.get("CONTENT_TYPE")),
            status=self.status,
            time_ms=self.time_ms,
            violation=self.violation,
            errors=dict(self.errors or {}),
            mock_error=self.mock_error,
            suspects=dict(self.suspects or {}),
            unsupported=self.unsupported,
            cannot=self.cannot,
            seq=self.seq,
            body_size=self.body_size,
            answer=recorded_body(self.answer, self.answer_size, self.answer_type),
            answer_size=self.answer_size,
        )


def _is_text(media_type: str | None) -> bool:
    """Whether an answer of this type is worth keeping to read: JSON or text."""
    return media_type is not None and ("json" in media_type or media_type.startswith("text/"))


def _cut_environ(environ: dict[str, Any]) -> dict[str, Any]:
    """``environ`` with every text value cut to :data:`MAX_VALUE_CHARS` (the cut marked with …)."""
    return {
        name: value[:MAX_VALUE_CHARS] + "…"
        if value.__class__ is str and len(value) > MAX_VALUE_CHARS
        else value
        for name, value in environ.items()
    }


def _wsgi_text(value: str) -> str:
    """WSGI hands over URL bytes as latin-1 text (PEP 3333); a URL's bytes are UTF-8."""
    return value.encode("latin-1", "replace").decode("utf-8", "replace")


def recorded_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name: ("***" if name.lower() in _MASKED_HEADERS else value) for name, value in headers}


def recorded_body(kept: bytes, size: int, content_type: str | None) -> Any:
    """The body as JSON when it was whole and parses, else as (cut) text; None when empty."""
    if not kept:
        return None
    if "json" in (content_type or "") and size <= len(kept):
        try:
            return _masked(parse_json(kept))  # as the request was checked: nothing deeper than it allows
        except InvalidRequest:
            pass
    return _MASKED_FORM_FIELD.sub(r"\1=***", kept.decode("utf-8", errors="replace"))


def _masked(value: Any) -> Any:
    """``value`` with the members that hold secrets (:data:`_MASKED_FIELDS`) shown as ``***``."""
    if isinstance(value, dict):
        return {key: "***" if key in _MASKED_FIELDS else _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


class Journal:
    """The newest requests, oldest first, safe to record into from many server threads."""

    def __init__(self, maxlen: int = 1000) -> None:
        self._entries: deque[RawExchange] = deque(maxlen=maxlen)
        self._violations: list[RawExchange] = []
        self._suspects: list[RawExchange] = []
        self._unsupported: list[RawExchange] = []
        self._mock_errors: list[RawExchange] = []
        self._max_kept = maxlen
        self._numbered = 0  # the last entry's seq
        self._lock = threading.Lock()
        #: told of every entry as it is recorded (``serve --log-requests``), outside the lock
        self.listeners: list[Callable[[RawExchange], None]] = []

    def record(self, entry: RawExchange) -> None:
        with self._lock:
            self._numbered += 1
            entry.seq = self._numbered
            self._entries.append(entry)
            if entry.violation and len(self._violations) < self._max_kept:
                self._violations.append(entry)
            if entry.suspects and len(self._suspects) < self._max_kept:
                self._suspects.append(entry)
            if entry.unsupported and len(self._unsupported) < self._max_kept:
                self._unsupported.append(entry)
            if entry.mock_error and len(self._mock_errors) < self._max_kept:
                self._mock_errors.append(entry)
        for listener in self.listeners:
            listener(entry)

    def entries(self) -> list[RecordedRequest]:
        with self._lock:
            raw = list(self._entries)
        return [entry.recorded() for entry in raw]

    def entry(self, seq: int) -> RecordedRequest | None:
        """The entry numbered ``seq``, if it is still kept."""
        with self._lock:
            if not self._entries or not 0 <= (index := seq - self._entries[0].seq) < len(self._entries):
                return None
            raw = self._entries[index]  # numbers rise by one from the oldest kept to the newest
        return raw.recorded()

    def newest(
        self, count: int, keep: Callable[[RawExchange], bool] | None = None
    ) -> tuple[list[RecordedRequest], int]:
        """The newest ``count`` entries that ``keep`` keeps, newest first, and how many it keeps in
        all (only those shown are turned into :class:`RecordedRequest`)."""
        with self._lock:
            raw = list(self._entries)
        kept = raw if keep is None else [entry for entry in raw if keep(entry)]
        return [entry.recorded() for entry in reversed(kept[-count:])] if count else [], len(kept)

    def violations(self) -> list[RecordedRequest]:
        return self._recorded(self._violations)

    def suspects(self) -> list[RecordedRequest]:
        """Requests the real service answers, but that name query parameters Adobe does not document."""
        return self._recorded(self._suspects)

    def unsupported(self) -> list[RecordedRequest]:
        """Calls the mock could not answer as the real service does: not served, not built, a limit."""
        return self._recorded(self._unsupported)

    def mock_errors(self) -> list[RecordedRequest]:
        """Requests during which the mock itself failed (a bug in the mock, never in the client)."""
        return self._recorded(self._mock_errors)

    def _recorded(self, kept: list[RawExchange]) -> list[RecordedRequest]:
        """One of the journal's lists, copied under the lock and turned into records outside it."""
        with self._lock:
            raw = list(kept)
        return [entry.recorded() for entry in raw]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._violations.clear()
            self._suspects.clear()
            self._unsupported.clear()
            self._mock_errors.clear()


def _report(
    heading: str, entries: Sequence[RecordedRequest], details: Callable[[RecordedRequest], list[str]]
) -> str:
    """``heading``, then each entry numbered, with its ``details`` indented under it."""
    lines = [heading]
    for number, entry in enumerate(entries, start=1):
        lines.append(f"  {number}. {entry.describe()}")
        lines.extend(details(entry))
    return "\n".join(lines)


def violation_report(violations: Sequence[RecordedRequest]) -> str:
    """A readable account of requests the real Catalog would have rejected."""
    return _report(
        f"{len(violations)} request(s) the real Catalog service would reject (violations):",
        violations,
        lambda entry: [f"     {entry.violation}", *_field_lines(entry.errors)],
    )


def suspect_report(suspects: Sequence[RecordedRequest]) -> str:
    """A readable account of requests that name query parameters Adobe does not document."""
    return _report(
        f"{len(suspects)} request(s) naming parameters Adobe does not document (suspects: the real "
        "service answers them, most likely not as meant):",
        suspects,
        lambda entry: _field_lines(entry.suspects),
    )


#: Each kind of "the mock cannot" (``RecordedRequest.cannot``), with the heading of its account.
CANNOT_HEADINGS = {
    "not served": "call(s) to Platform operations the mock does not serve (the real service serves "
    "them; the mock answered 501, so this test says nothing about them):",
    "not built": "call(s) asking for a feature the mock has not built (the real service has it; the "
    "mock answered 501, so this test says nothing about it):",
    "limit": "call(s) past a limit of the mock, not of the real service (raise the bound it names, "
    "or send less):",
}


def unsupported_report(unsupported: Sequence[RecordedRequest]) -> str:
    """A readable account of calls the mock could not answer as the real service does, one heading
    per kind (not served, not built, a limit of the mock)."""
    parts = []
    for kind, heading in CANNOT_HEADINGS.items():
        of_kind = [entry for entry in unsupported if entry.cannot == kind]
        if of_kind:
            parts.append(
                _report(f"{len(of_kind)} {heading}", of_kind, lambda entry: [f"     {entry.unsupported}"])
            )
    return "\n".join(parts)


def contract_report(
    violations: list[RecordedRequest],
    suspects: list[RecordedRequest],
    unsupported: Sequence[RecordedRequest] = (),
) -> str:
    """Each account under its own heading, violations first; an empty string when there is nothing."""
    parts = [violation_report(violations)] if violations else []
    if suspects:
        parts.append(suspect_report(suspects))
    if unsupported:
        parts.append(unsupported_report(unsupported))
    return "\n".join(parts)


def _field_lines(messages_by_name: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for name, messages in messages_by_name.items():
        shown = messages if isinstance(messages, list) else [messages]
        lines.extend(f"       - {name}: {message}" for message in shown)
    return lines


def mock_error_report(failures: Sequence[RecordedRequest]) -> str:
    """A readable account of requests the mock failed on, each with the mock's traceback."""
    return _report(
        f"mockcatalog failed on {len(failures)} request(s); this is a bug in the mock, please report it:",
        failures,
        lambda entry: [f"     {line}" for line in (entry.mock_error or "").rstrip().splitlines()],
    )
