"""Where an app keeps its control plane: the one Flask-aware way to reach a
:class:`~mockcatalog.control.plane.MockControl` from an app (tests, the CLI, unrouted requests)."""

from __future__ import annotations

from flask import Flask

from mockcatalog.control.plane import MockControl

EXTENSION = "mockcatalog"  # the app.extensions key


def install_control(app: Flask, control: MockControl) -> None:
    app.extensions[EXTENSION] = control


def control_of(app: Flask) -> MockControl:
    """The control plane of an app made by :func:`~mockcatalog.app.create_app`."""
    control: MockControl = app.extensions[EXTENSION]
    return control
