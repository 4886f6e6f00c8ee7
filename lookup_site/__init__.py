"""Product traceability lookup site (truy xuất nguồn gốc)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import paths


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure an instance of the site."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(paths.resource_dir("templates")),
        static_folder=str(paths.resource_dir("static")),
    )
    configure(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def configure(app: Flask, config: Mapping[str, Any] | None) -> None:
    from .config import load_config

    load_config(app, config)


def register_extensions(app: Flask) -> None:
    from . import database, i18n
    from .extensions import db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(paths.PACKAGE_DIR / "migrations"))
    database.init_app(app)
    i18n.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .public import bp as public_bp

    app.register_blueprint(public_bp)


def register_errorhandlers(app: Flask) -> None:
    from . import errorhandlers

    errorhandlers.init_app(app)


def register_commands(app: Flask) -> None:
    from . import cli

    cli.init_app(app)
