"""Writes on a shared PostgreSQL: what several replicas do at once stays correct.

Each replica is a connection pool of its own (kl_dash.store.connect_postgres), as each app
process has; threads stand in for the sessions of two replicas.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from kl_dash import users
from kl_dash.users import Actor, LoginRefused

NOW = datetime(2026, 1, 1, 12, 0)
ADMIN = Actor("ane", "admin")


def test_a_login_on_postgresql_counts_failures_and_waits_after_five(replicas):
    a, b = replicas
    users.add_user(a, "kirsten", "editor", "hemmeligt-kodeord", ADMIN)
    for replica in (a, b, a, b, a):
        with pytest.raises(LoginRefused, match="Forkert"):
            users.authenticate(replica, "kirsten", "forkert-kodeord", NOW)
    with pytest.raises(LoginRefused, match="Prøv igen om 31 sekunder"):
        users.authenticate(b, "kirsten", "hemmeligt-kodeord", NOW)
    later = NOW + timedelta(minutes=2)
    assert users.authenticate(b, "kirsten", "hemmeligt-kodeord", later).role == "editor"


@pytest.mark.parametrize("name", ["kirsten", "findes-ikke"])
def test_twenty_wrong_passwords_at_once_on_two_replicas_count_each(replicas, name):
    a, b = replicas
    users.add_user(a, "kirsten", "editor", "hemmeligt-kodeord", ADMIN)
    answers: list[str] = []
    start = threading.Barrier(20)

    def attempt(replica):
        start.wait(timeout=60)
        cursor = replica.cursor()  # a pool holds 10 connections; the rest queue for one
        try:
            users.authenticate(cursor, name, "forkert-kodeord", NOW)
        except LoginRefused as exc:
            answers.append(str(exc))
        finally:
            cursor.close()

    threads = [threading.Thread(target=attempt, args=((a, b)[i % 2],)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert answers.count("Forkert brugernavn eller adgangskode.") == users.MAX_FAILURES, answers
    assert answers.count("For mange forkerte forsøg. Prøv igen om 31 sekunder.") == 15, answers
    assert a.execute("SELECT failures FROM login_attempts").fetchall() == [(5,)]
