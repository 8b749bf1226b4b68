"""``property=field~regex``: a client's regular expression, run within a time budget.

A regular expression is code the client sends, so its cost is bounded: one request's matching may
take at most :data:`REGEX_BUDGET_SECONDS` in all, and an expression that would take longer is a
400, never a hung server. The caller runs it outside any lock other requests need.
"""

from __future__ import annotations

import importlib
import re
import time
from collections.abc import Callable
from typing import Any

import regex

from mockcatalog.core.errors import BadRequest, InvalidRequest
from mockcatalog.core.json import Json

Predicate = Callable[[Json], bool]

REGEX_BUDGET_SECONDS = 1.0
FAST_REGEX_MAX_CHARS = 1024  # longer values always go through the timed engine
#: Reading the clock costs as much as matching a short value, so the budget is checked every
#: CLOCK_EVERY short values (each costs at most about SHORT_VALUE_CHARS² steps) or every long one.
CLOCK_EVERY, SHORT_VALUE_CHARS = 256, 64
re_parser: Any = importlib.import_module("re._parser")  # the stdlib's own regex parser
_MISSING = object()


def field_matches(field: str, expression: str, param: str = "property") -> Predicate:
    """``field~regex``, with the work bounded: one request's matching may take at most
    :data:`REGEX_BUDGET_SECONDS` in all, so a catastrophic expression is a 400, not a hung server.

    An expression that cannot backtrack catastrophically (:func:`compile_if_linear`) runs on ``re``
    with the budget checked between objects; any other runs on the ``regex`` engine with a timeout
    on every call, which is safe but costs ~2 µs a call (bench/bench_scale.py).
    """
    try:
        problem = repeat_problem(expression)  # before compiling: compiling expands counted repeats
        if problem is not None:
            raise ValueError(problem)
        pattern = regex.compile(expression)
    except (regex.error, ValueError, OverflowError) as exc:
        reason = f"Invalid regular expression {expression!r}: {exc}."
        raise InvalidRequest(
            f"Invalid query parameter {param!r}: {reason}", errors={param: [reason]}
        ) from exc
    fast = compile_if_linear(expression)
    deadline = 0.0
    unclocked = CLOCK_EVERY  # the first call starts the clock

    def too_expensive() -> BadRequest:
        reason = f"The regular expression {expression!r} is too expensive to evaluate; simplify it."
        return BadRequest(f"Invalid query parameter {param!r}: {reason}", errors={param: [reason]})

    def remaining_budget() -> float:
        nonlocal deadline
        now = time.monotonic()
        deadline = deadline or now + REGEX_BUDGET_SECONDS
        if deadline <= now:
            raise too_expensive()
        return deadline - now

    def test(obj: Json) -> bool:
        nonlocal unclocked
        value = obj.get(field, _MISSING)
        if value.__class__ is not str:
            if value is _MISSING or isinstance(value, dict | list):
                return False
            value = _text(value)
        if fast is not None and len(value) <= FAST_REGEX_MAX_CHARS:
            unclocked += 1
            if unclocked >= CLOCK_EVERY or len(value) > SHORT_VALUE_CHARS:
                unclocked = 0
                remaining_budget()
            return fast.search(value) is not None
        try:
            return pattern.search(value, timeout=remaining_budget(), concurrent=True) is not None
        except TimeoutError:
            raise too_expensive() from None

    return test


#: Counted repeats (``x{n}``, ``x{n,m}``) are expanded when an expression is compiled, before any
#: time budget applies: ``x{4294967294}`` allocated gigabytes. So no count may exceed MAX_REPEAT, and
#: the counts of an expression, multiplied, may not exceed MAX_REPEAT_PRODUCT.
MAX_REPEAT, MAX_REPEAT_PRODUCT = 1000, 100_000
_COUNTED = re.compile(r"(?<!\\)\{(\d*)(?:,(\d*))?\}")


def repeat_problem(expression: str) -> str | None:
    """Why ``expression``'s counted repeats are refused before compiling it, or None.

    Read from the text, conservatively: a ``{n,m}`` inside a character class counts too, which can
    only refuse an expression that writes ``{`` and digits inside brackets."""
    product = 1
    for low, high in _COUNTED.findall(expression):
        for count in (low, high):
            if count and (len(count) > 6 or int(count) > MAX_REPEAT):
                return f"a counted repeat may be at most {{{MAX_REPEAT}}}, not {{{count}}}"
        product *= max(int(low or 0), int(high or 0), 1)
        if product > MAX_REPEAT_PRODUCT:
            return f"its counted repeats multiply to more than {MAX_REPEAT_PRODUCT:,}; simplify it"
    return None


def compile_if_linear(expression: str) -> re.Pattern[str] | None:
    """``re``-compiled ``expression`` if it cannot backtrack catastrophically, else None.

    Conservative: no repeat or alternation inside a repeat, no backreferences or lookarounds, at
    most two repeats of more than one (so the cost on a value of n characters is at most about n²)."""
    try:
        tree = re_parser.parse(expression)
        compiled = re.compile(expression)
    except Exception:  # noqa: BLE001 - anything re cannot take goes the safe way
        return None
    repeats = 0

    def linear(items: Any, in_repeat: bool) -> bool:
        nonlocal repeats
        for op, arg in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                if in_repeat:
                    return False
                repeats += arg[1] > 1  # bounded ones too: .{0,60} seven times is 60**7 steps
                if not linear(arg[2], True):
                    return False
            elif name == "BRANCH":
                if in_repeat or not all(linear(branch, in_repeat) for branch in arg[1]):
                    return False
            elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
                if not linear(arg[-1], in_repeat):
                    return False
            elif name in ("GROUPREF", "GROUPREF_EXISTS", "ASSERT", "ASSERT_NOT"):
                return False
        return True

    return compiled if linear(tree.data, False) and repeats <= 2 else None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
