"""SQLite writers queue on a lock file: one at a time, the next one starts when the first commits."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

from sqlalchemy import text
from sqlalchemy.orm import Session

from forms_app.core.db import make_engine, write_transaction


def test_a_writer_waits_while_another_process_holds_the_turn(tmp_path):
    path = tmp_path / "base.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("create table journal (n integer)"))
    # Another worker holds the turn (it would be between its BEGIN IMMEDIATE and its COMMIT).
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(path) + '-writers.lock'!r}, os.O_RDWR | os.O_CREAT, 0o600)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('tenu', flush=True)\n"
        "time.sleep(0.5)\n")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "tenu"
    started = time.monotonic()
    db = Session(engine)
    with write_transaction(db):
        waited = time.monotonic() - started
        db.execute(text("insert into journal values (1)"))
    db.close()
    holder.wait(5)
    holder.stdout.close()
    assert waited >= 0.3, waited  # it started only once the other one let go
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from journal")).scalar() == 1
    engine.dispose()


def test_threads_of_one_process_take_turns(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'base.db'}")
    order: list[str] = []
    inside = threading.Event()

    def first() -> None:
        db = Session(engine)
        with write_transaction(db):
            order.append("premier dedans")
            inside.set()
            time.sleep(0.2)
            order.append("premier sort")
        db.close()

    def second() -> None:
        inside.wait(5)
        db = Session(engine)
        with write_transaction(db):
            order.append("second dedans")
        db.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order == ["premier dedans", "premier sort", "second dedans"]
    engine.dispose()


def test_a_writer_that_fails_gives_its_turn_back(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'base.db'}")
    db = Session(engine)
    try:
        with write_transaction(db):
            db.execute(text("select * from table_absente"))
    except Exception:
        pass
    done = threading.Event()

    def other() -> None:
        other_db = Session(engine)
        with write_transaction(other_db):
            other_db.execute(text("create table t (n integer)"))
        other_db.close()
        done.set()

    threading.Thread(target=other).start()
    assert done.wait(5)
    db.close()
    engine.dispose()
