"""``create_app``: the Flask app, assembled from its parts.

It reads the settings, loads the spec and the fixtures into a new control plane, and installs a
route per operation of ``openapi.yaml`` (at its own path and again under its real gateway base
path) and of ``admin-openapi.yaml`` (under ``/__admin``). What a request goes through is in
:mod:`mockcatalog.http.routing` and :mod:`mockcatalog.http.gateway`; docs/architecture.md has the map.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from mockcatalog.catalog.fixture_files import Fixtures, default_fixture_dir, read_fixtures, rebase_timestamps
from mockcatalog.contract.objects import object_validator
from mockcatalog.contract.schemas import fixture_schemas
from mockcatalog.contract.spec import admin_spec_path, load_spec
from mockcatalog.contract.validation import build_validators
from mockcatalog.control.plane import MockControl
from mockcatalog.core.settings import Settings
from mockcatalog.http import admin, dashboard, routing
from mockcatalog.http.extension import install_control
from mockcatalog.http.resources import LIST_OPERATIONS, VIEWS
from mockcatalog.http.responses import FastJSONProvider


class _MockCatalogFlask(Flask):
    json_provider_class = FastJSONProvider  # orjson; key order is the result order


def create_app(settings: Settings | Mapping[str, Any] | None = None, *, load_fixtures: bool = True) -> Flask:
    """Build the mock. ``settings``: a :class:`~mockcatalog.core.settings.Settings`, or a mapping of
    setting names (``{"seed": 7, "fixtures": "tests/data"}``); unknown names are a ValueError.
    ``load_fixtures=False`` starts with no objects at all (``serve --state`` restores a saved state
    instead of reading fixtures it would throw away)."""
    if not isinstance(settings, Settings):
        settings = Settings.from_mapping(settings or {})
    return _assembled(settings, load_fixtures)


def _assembled(settings: Settings, load_fixtures: bool) -> Flask:
    app = _MockCatalogFlask("mockcatalog")
    app.url_map.merge_slashes = False  # `a//b` is an unknown path (404), not a redirect echoing Host
    spec = load_spec(settings.spec)
    control = MockControl(settings, spec, object_validator(settings.spec))
    if load_fixtures:
        control.tenants.load(_fixtures(settings, control.clock.now_ms()))
    install_control(app, control)
    admin_path = str(admin_spec_path())
    admin_views = {**admin.VIEWS, **dashboard.VIEWS}
    routes = [
        *routing.build_routes(
            spec.operations, build_validators(settings.spec), VIEWS,
            control=control, list_operations=LIST_OPERATIONS, admin=False,
        ),
        *routing.build_routes(
            load_spec(admin_path).operations, build_validators(admin_path), admin_views,
            control=control, list_operations={}, admin=True,
        ),
    ]  # fmt: skip
    routing.install(app, routes)
    return app


def _fixtures(settings: Settings, now_ms: int) -> Fixtures:
    """The fixtures to serve, rebased to now when asked (by default: only the packaged ones)."""
    fixtures = read_fixtures(
        settings.fixtures or default_fixture_dir(), fixture_schemas(settings.spec), complete=True
    )
    rebase = settings.rebase_time if settings.rebase_time is not None else settings.fixtures is None
    return rebase_timestamps(fixtures, now_ms) if rebase else fixtures
