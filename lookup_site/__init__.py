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
    from . import database, http_headers, i18n, logs, page_cache, static_assets
    from .extensions import csrf, db, limiter, login_manager, migrate
    from .services import audit, portal
    from .services.accounts import load_user

    db.init_app(app)
    audit.init_app(app)
    portal.init_app(app)
    migrate.init_app(app, db, directory=str(paths.PACKAGE_DIR / "migrations"))
    database.init_app(app)
    i18n.init_app(app)
    page_cache.init_app(app)
    logs.init_app(app)
    http_headers.init_app(app)
    static_assets.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.LOGIN_MESSAGE
    login_manager.user_loader(load_user)


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .inspect import bp as inspect_bp
    from .media import bp as media_bp
    from .producer import bp as producer_bp
    from .public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(producer_bp, url_prefix="/producer")
    app.register_blueprint(inspect_bp, url_prefix="/inspect")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(media_bp, url_prefix="/media")
    app.register_blueprint(api_bp)


def register_errorhandlers(app: Flask) -> None:
    from . import errorhandlers

    errorhandlers.init_app(app)


def register_commands(app: Flask) -> None:
    from . import cli, soak

    cli.init_app(app)
    soak.init_app(app)
