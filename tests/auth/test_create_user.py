"""`flask create-user`: accounts from the command line."""

from __future__ import annotations

from sqlalchemy import select

from lookup_site.models import Role, User


def test_create_a_producer_user(db, runner, make_producer):
    facility = make_producer()
    db.session.commit()
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Lan@Example.vn",
            "--role",
            "producer",
            "--producer",
            str(facility.id),
            "--password",
            "a long enough secret",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "lan@example.vn"))
    assert user.role is Role.PRODUCER and user.producer_id == facility.id


def test_password_is_prompted_hidden_and_confirmed(db, runner):
    result = runner.invoke(
        args=["create-user", "--email", "a@example.vn", "--role", "admin"],
        input="a long enough secret\na long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "a long enough secret" not in result.output


def test_refusals_are_clear_and_write_nothing(db, runner):
    cases = [
        (["--role", "producer"], "needs --producer"),
        (["--role", "producer", "--producer", "999"], "no facility with id 999"),
        (["--role", "admin", "--password", "short"], "at least 10 characters"),
    ]
    for extra, message in cases:
        args = ["create-user", "--email", "x@example.vn", *extra]
        if "--password" not in extra:
            args += ["--password", "a long enough secret"]
        result = runner.invoke(args=args)
        assert result.exit_code != 0
        assert message in result.output
    assert db.session.scalar(select(User)) is None


def test_an_email_has_one_account(db, runner):
    args = ["create-user", "--email", "a@example.vn", "--role", "admin", "--password", "x" * 12]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already has an account" in again.output
