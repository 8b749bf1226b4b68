"""Every setting of the mock, in one table: name, unit, default, range, environment variable,
``serve`` flag and pytest option.

The table is the fields of three frozen dataclasses, each field's metadata saying where it can be
set, so a setting is declared exactly once:

- :class:`Settings`: what :func:`~mockcatalog.app.create_app` takes (fixtures, clock, limits,
  processing, auth). ``serve`` has a flag and an environment variable for each that has a
  ``flag``; the pytest plugin an ini option and a flag for each marked ``plugin``;
- :class:`ServeOptions`: what only ``mockcatalog serve`` needs (address, state file, threads);
- :class:`PluginOptions`: what only the pytest plugin needs (tenant, strict mode, coverage).

The environment variable of a setting is ``MOCKCATALOG_`` + its ``serve`` flag (or, without one,
its name) in capitals, the pytest ini option ``mockcatalog_`` + its name, the plugin's flag
``--mockcatalog-`` + its name with dashes. In Python a setting's unit is in its name (``_ms``,
``_bytes``); a duration given as text (a flag, a variable, an ini option) takes ``2s``, ``500ms``
or plain seconds (``1.5``).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Self

Kind = Literal["text", "path", "int", "bool", "optional-bool", "duration", "count", "bytes"]
ENV_PREFIX = "MOCKCATALOG_"


@dataclass(frozen=True)
class Setting:
    """One row of the table (what :func:`setting` stores in a dataclass field's metadata)."""

    name: str
    default: Any
    help: str
    kind: Kind
    flag: str | None  # the `serve` flag, if it has one
    plugin: bool  # whether the pytest plugin offers it
    minimum: int | None
    maximum: int | None

    @property
    def env(self) -> str:
        """``MOCKCATALOG_`` and the ``serve`` flag's name (or the setting's) in capitals."""
        name = self.flag.removeprefix("--") if self.flag else self.name
        return ENV_PREFIX + name.upper().replace("-", "_")

    @property
    def ini(self) -> str:
        return "mockcatalog_" + self.name

    def parse(self, text: str) -> Any:
        """The value of ``text`` (from the environment, an ini file or a command line)."""
        value = _PARSERS[self.kind](text.strip())
        self.check(value)
        return value

    def check(self, value: Any) -> None:
        """A ValueError naming the setting, the value and the allowed range when out of it."""
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            return
        low = self.minimum if self.minimum is not None else "-inf"
        high = self.maximum if self.maximum is not None else "inf"
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise ValueError(f"setting {self.name!r}: {value} is outside the allowed range {low} to {high}")


def setting(
    default: Any,
    help: str,
    kind: Kind,
    *,
    flag: str | None = None,
    plugin: bool = False,
    minimum: int | None = None,
    maximum: int | None = None,
) -> Any:
    """A dataclass field that is a row of the settings table."""
    row = {"default": default, "help": help, "kind": kind, "flag": flag, "plugin": plugin}
    return field(default=default, metadata={"setting": {**row, "minimum": minimum, "maximum": maximum}})


class _Table:
    """What the three dataclasses share: their rows, and building them from a mapping of names."""

    @classmethod
    def rows(cls) -> Iterator[Setting]:
        for declared in dataclasses.fields(cls):  # type: ignore[arg-type]  # every subclass is a dataclass
            yield Setting(name=declared.name, **declared.metadata["setting"])

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Self:
        """An instance with ``values`` (setting names) over the defaults; a ValueError for an
        unknown name (with the closest known one) or a value out of range."""
        rows = {row.name: row for row in cls.rows()}
        for name, value in values.items():
            row = rows.get(name)
            if row is None:
                close = difflib.get_close_matches(name.lower().removeprefix("mockcatalog_"), list(rows), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(rows)}"
                raise ValueError(f"unknown mockcatalog setting {name!r}{hint}")
            row.check(value)
        return cls(**values)


@dataclass(frozen=True)
class Settings(_Table):
    """The mock's own settings (see the module docstring for where each can be set)."""

    fixtures: str | None = setting(
        None,
        "fixture directory to serve (default: the packaged fixtures)",
        "path",
        flag="--fixtures",
        plugin=True,
    )
    rebase_time: bool | None = setting(
        None,
        "shift fixture timestamps so the newest is now (default: on for the packaged fixtures only)",
        "optional-bool",
        flag="--rebase-time",
        plugin=True,
    )
    spec: str | None = setting(None, "openapi.yaml to serve (default: the packaged one)", "path")
    seed: int | None = setting(
        None, "seed of generated ids, for repeatable ids", "int", flag="--seed", plugin=True
    )
    frozen_at_ms: int | None = setting(
        None, "a fixed 'now' in Unix milliseconds (default: wall-clock time)", "int", minimum=0
    )
    journal_size: int = setting(
        1000,
        "how many received requests are kept for /__admin/requests and the dashboard (the newest)",
        "count",
        flag="--journal-size",
        minimum=1,
    )
    max_body_bytes: int = setting(
        1024 * 1024,
        "request bodies over this many bytes answer 413 (file uploads apart: --max-file-bytes)",
        "bytes",
        flag="--max-body-bytes",
        minimum=0,
    )
    max_file_bytes: int = setting(
        64 * 1024 * 1024,
        "an uploaded file over this many bytes answers 413 (uploads are held in memory)",
        "bytes",
        flag="--max-file-bytes",
        minimum=0,
    )
    max_upload_bytes: int = setting(
        1024 * 1024 * 1024,
        "bytes uploaded to batches not yet processed, in all tenants, past which an upload answers 413",
        "bytes",
        flag="--max-upload-bytes",
        minimum=0,
    )
    max_kept_file_bytes: int = setting(
        256 * 1024 * 1024,
        "contents of ingested files kept for reading back through Data Access, in all tenants (the "
        "oldest are dropped first)",
        "bytes",
        flag="--max-kept-file-bytes",
        minimum=0,
    )
    max_admin_body_bytes: int = setting(
        256 * 1024 * 1024,
        "admin request bodies (fixtures, state imports) over this many bytes answer 413",
        "bytes",
        flag="--max-admin-body-bytes",
        minimum=0,
    )
    admin_hosts: str = setting(
        "",
        "comma-separated host names the admin API also answers under (loopback names and IP addresses "
        "always work; a container's service name, say)",
        "text",
        flag="--admin-hosts",
    )
    processing_delay_ms: int = setting(
        0,
        "how long a completed batch takes to succeed or fail, on the mock's clock",
        "duration",
        flag="--processing-delay",
        minimum=0,
    )
    processing_polls: int = setting(
        0,
        "finish a completed batch on its Nth read by id instead (exercises polling loops)",
        "count",
        flag="--processing-polls",
        minimum=0,
        maximum=1000,
    )
    strict_auth: bool = setting(
        False,
        "accept only bearer tokens issued by the mock's fake IMS (POST /ims/token/v3), not expired",
        "bool",
        flag="--strict-auth",
        plugin=True,
    )


@dataclass(frozen=True)
class ServeOptions(_Table):
    """What only ``mockcatalog serve`` needs."""

    host: str = setting("127.0.0.1", "interface to listen on (0.0.0.0: reachable from other hosts)", "text",
                        flag="--host")  # fmt: skip
    port: int = setting(
        8080, "port to listen on; 0 picks a free one", "int", flag="--port", minimum=0, maximum=65535
    )
    freeze_clock: bool = setting(
        False, "stop the mock's clock at start-up, so timestamps repeat", "bool", flag="--freeze-clock"
    )
    state: str | None = setting(
        None,
        "keep the state in this file: loaded at start (instead of the fixtures) if it exists, "
        "written atomically on shutdown and every --state-interval",
        "path",
        flag="--state",
    )
    state_interval_ms: int = setting(
        30_000,
        "how often --state is written (0: only on shutdown)",
        "duration",
        flag="--state-interval",
        minimum=0,
    )
    connection_limit: int = setting(
        1000,
        "open connections kept at once, idle or slow ones included (waitress alone keeps 100)",
        "count",
        flag="--connection-limit",
        minimum=1,
        maximum=100_000,
    )
    idle_timeout_ms: int = setting(
        60_000,
        "a connection that sends nothing for this long is closed",
        "duration",
        flag="--idle-timeout",
        minimum=1000,
    )
    threads: int = setting(
        8, "worker threads of the WSGI server", "count", flag="--threads", minimum=1, maximum=256
    )
    log_requests: bool = setting(
        False,
        "print a line per request on stderr: method, path, status and verdict (ok, violation, suspect, "
        "unsupported, mock-error); the admin API, dashboard and docs are not logged",
        "bool",
        flag="--log-requests",
    )


@dataclass(frozen=True)
class PluginOptions(_Table):
    """What only the pytest plugin needs (each is an ini option and a flag)."""

    strict: bool = setting(
        True, "fail a test that sent a request the real Catalog would reject (a violation)", "bool"
    )
    strict_suspects: bool = setting(
        True,
        "fail a test that sent a query parameter Adobe does not document (a suspect: the real service "
        "reads it as a filter or ignores it)",
        "bool",
    )
    org: str = setting("ACE0A1B2C3D4E5F60718293A@AdobeOrg", "the IMS org mock_catalog calls as", "text")
    sandbox: str = setting("prod", "the sandbox mock_catalog calls as", "text")
    extra_orgs: str = setting(
        "", "comma-separated orgs that get faker-made datasets and batches at session start", "text"
    )
    coverage: bool = setting(
        False, "print which operations, parameters and statuses of openapi.yaml the session used", "bool"
    )
    coverage_json: str | None = setting(
        None, "also write that contract coverage report to this JSON file", "path"
    )
    intercept: bool = setting(
        False,
        "in every test, answer requests and httpx calls to Adobe's hosts (https://platform.adobe.io, "
        "IMS) with the mock, in process; calls to other hosts fail (the intercept extra)",
        "bool",
    )
    pass_through: bool = setting(
        False, "with intercept: let calls to other hosts reach the network instead of failing", "bool"
    )


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{text!r} is not a boolean; write true or false")


def _optional_boolean(text: str) -> bool | None:
    return None if text.lower() in ("", "auto", "default") else _boolean(text)


def milliseconds(text: str) -> int:
    """``2s``, ``500ms``, ``1.5`` (seconds) -> milliseconds."""
    lowered = text.lower()
    scale = 1 if lowered.endswith("ms") else 1000
    try:
        value = float(lowered.removesuffix("ms").removesuffix("s")) * scale
    except ValueError:
        raise ValueError(f"{text!r} is not a duration; write e.g. 2s, 500ms or 1.5") from None
    return round(value)


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None


_PARSERS: Mapping[Kind, Callable[[str], Any]] = {
    "text": str,
    "path": lambda text: text or None,
    "int": _integer,
    "count": _integer,
    "bytes": _integer,
    "bool": _boolean,
    "optional-bool": _optional_boolean,
    "duration": milliseconds,
}
