"""Two uploads at the same moment from two processes on one shared PostgreSQL: kl-dash import.

Two consultants' ``kl-dash import`` runs are started while a third write holds the write lock
(store.write_transaction, as any writer takes it); once both wait for that lock it is let go,
so both stores start at the same moment. Each process then either stores, one after the
other, or is refused with the Danish BUSY message; never a lost or mixed write.
"""

from __future__ import annotations

import re
import subprocess
import sysconfig
import time
from pathlib import Path

from kl_dash import db, store, upload_log

from .test_store_uploads import _participants, _participants_file

KL_DASH = Path(sysconfig.get_path("scripts")) / "kl-dash"
PEOPLE = {"anne": 7, "bo": 8}  # each consultant's file sets every first group to this


def _waiting_for_the_write_lock(con) -> int:
    """How many sessions wait for the data_version row, the lock every writer queues on."""
    (waiting,) = con.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query LIKE '%data_version%'"
    ).fetchone()
    return waiting


def _kl_dash(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [KL_DASH, *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_two_processes_uploading_at_the_same_moment_store_one_after_the_other_or_refuse(
    pg_url, tmp_path
):
    con = db.connect(pg_url)
    before = _participants(con)
    files = {}
    for user, people in PEOPLE.items():
        files[user] = tmp_path / f"deltagere-{user}.csv"
        files[user].write_bytes(_participants_file(con, people))
    with store.write_transaction(con):
        runs = {
            user: subprocess.Popen(
                [KL_DASH, "import", "deltagere", str(path), "--db", pg_url, "--user", user],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for user, path in files.items()
        }
        watcher = db.connect(pg_url)
        # Let go once both wait, or after 25 s: before store.LOCK_TIMEOUT (30 s) refuses them.
        deadline = time.monotonic() + 25
        while _waiting_for_the_write_lock(watcher) < 2 and time.monotonic() < deadline:
            if any(run.poll() is not None for run in runs.values()):
                break
            time.sleep(0.1)
        watcher.close()
    said = {user: run.communicate(timeout=300) for user, run in runs.items()}

    stored = {}  # user -> upload id
    for user, run in runs.items():
        out, err = said[user]
        if run.returncode == 0:
            (upload_id,) = re.findall(r"Gemt som upload (\d+)\.", out)
            stored[user] = int(upload_id)
        else:
            assert err.splitlines()[-1] == f"Fejl: {store.BUSY}", (user, out, err)
    assert stored, said
    log = upload_log.entries(con)
    assert sorted(zip(log["id"], log["uploaded_by"], strict=True)) == sorted(
        (upload_id, user) for user, upload_id in stored.items()
    )
    order = sorted(stored, key=stored.get)  # users, the first stored first
    last = order[-1]
    # Every row the uploads touched holds the last one's value: nothing mixed.
    touched = {row[2] for row in _participants(con) if row[3].startswith("upload:")}
    assert touched == {PEOPLE[last]}
    if len(order) == 2:  # the later one changed exactly the rows the earlier one stored
        counts = log.set_index("id")
        first = counts.loc[stored[order[0]]]
        assert counts.loc[stored[last], "rows_changed"] == first.rows_new + first.rows_changed

    for user in reversed(order):  # undone in turn, the later first, each by another process
        undone = _kl_dash("undo", str(stored[user]), "--db", pg_url, "--user", user)
        assert undone.returncode == 0, undone.stderr
        if user != order[0]:  # undoing the later one brings back the earlier one's rows
            touched = {row[2] for row in _participants(con) if row[3].startswith("upload:")}
            assert touched == {PEOPLE[order[0]]}
    assert _participants(con) == before
    con.close()
