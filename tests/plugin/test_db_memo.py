"""plugin.db.transaction_memo: what one query of a transaction read along
is reused later in that transaction, and forgotten when it ends."""

from __future__ import annotations

from sqlalchemy import text

from plugin.db import Database, transaction_memo


def test_a_memo_lives_as_long_as_the_transaction(database_url: str) -> None:
    database = Database(database_url)
    try:
        session = database.sessionmaker()
        session.execute(text("SELECT 1"))
        transaction_memo(session, "teams")[1] = "platform"
        assert transaction_memo(session, "teams") == {1: "platform"}
        assert transaction_memo(session, "owners") == {}  # each name its own

        with session.begin_nested():  # a savepoint ends, the transaction goes on
            session.execute(text("SELECT 1"))
        assert transaction_memo(session, "teams") == {1: "platform"}

        session.commit()
        assert transaction_memo(session, "teams") == {}

        transaction_memo(session, "teams")[2] = "outside"  # no transaction: kept nowhere
        assert transaction_memo(session, "teams") == {}

        session.execute(text("SELECT 1"))
        transaction_memo(session, "teams")[3] = "other"
        session.rollback()
        session.execute(text("SELECT 1"))
        assert transaction_memo(session, "teams") == {}
        session.close()
    finally:
        database.dispose()
