"""Load test of the public vote (issue 20): gunicorn on PostgreSQL, 1,000 distinct voters.

    .venv/bin/python bench/vote_load.py
    BENCH_VOTERS=200 BENCH_CLIENTS=8 .venv/bin/python bench/vote_load.py

Seeds an open vote for six finalists into a temporary database (PostgreSQL: DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/postgres) with the bot check at its lowest setting
(difficulty 0, no least time on the page) and the per-network limit raised, so that the run
measures the server and not its own limits. The server runs as the README deploys it: gunicorn
with its default worker count (2 x cores + 1; BENCH_WORKERS to change it) and the confirmation
emails sent by a task worker (`manage.py db_worker`, polling every BENCH_TASK_INTERVAL = 0.2 s)
on the same machine, which writes them to files (EMAIL_URL=file://). BENCH_TASKS=immediate sends
them in the request instead (the previous set-up: about half the vote request's CPU).

Each voter, as a browser does: GET the voting page (challenge, cookies), POST the vote, read the
link from the email, GET the confirmation page and POST it. Some voters come back: REPEAT of them
vote a second time (refused or not counted), CONCURRENT of them send two votes and confirm both
links at the same moment (two tabs). Afterwards the database is compared with what the clients
were told: a voter told "counted" without a confirmed vote is lost, a voter with more than one
confirmed vote (per category) is a double vote.

Besides the latencies it prints the CPU per vote of the server (gunicorn and the task worker, from
/proc) and of this client, and the load average: the machine is shared.

Goals: votes_per_minute >= 1000, p95 < 200 ms, double_votes = 0, lost_votes = 0. The last line
printed is `votes_per_minute=<x> p95_ms=<x> double_votes=<n> lost_votes=<n>`.
"""

from __future__ import annotations

import email
import os
import queue
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import (  # noqa: E402  (the gunicorn harness is shared)
    ROOT,
    JurorClient,
    load_average,
    percentile,
    server,
    server_cpu_seconds,
    server_env,
)

PROJECTS = 6


def seed() -> str:
    from django.utils import timezone

    from award.enums import Role
    from award.models import Category, Edition, EditionRole, User
    from scoring.enums import ResultKind
    from scoring.models import Result
    from scoring.vote.enums import Standing
    from scoring.vote.models import PublicVote
    from submissions.enums import ProjectStatus
    from submissions.models import Project

    now = timezone.now()
    edition = Edition.objects.create(
        name="Vote load 2026",
        slug="vote-load",
        year=2026,
        submissions_open_at=now - timedelta(days=90),
        submissions_close_at=now - timedelta(days=60),
    )
    owner = User.objects.create_user("owner@example.org", "x")
    EditionRole.objects.create(edition=edition, user=owner, role=Role.ORGANISER)
    category = Category.objects.create(edition=edition, name="Smart City", slug="smart-city")
    for i in range(PROJECTS):
        project = Project.objects.create(
            edition=edition,
            category=category,
            owner=owner,
            status=ProjectStatus.ELIGIBLE,
            title=f"Project {i}",
            organisation_name=f"City {i}",
            country="SK",
            summary="A smart solution. " * 10,
        )
        Result.objects.create(edition=edition, category=category, project=project, kind=ResultKind.FINALIST)
    PublicVote.objects.create(
        edition=edition,
        standing=Standing.FINALISTS,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        difficulty=0,
        min_seconds=0,
        max_per_network=1_000_000,
        max_requests_per_address=100,
    )
    return edition.slug


class Mailbox:
    """The file email backend's folder, read by one thread: address -> confirmation links."""

    def __init__(self, folder: str):
        self.folder = Path(folder)
        self.offsets: dict[str, int] = {}
        self.sizes: dict[str, int] = {}  # bytes seen per file: only a file that grew is read again
        self.links: dict[str, list[str]] = {}
        self.lock = threading.Condition()
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        # Django's file backend names a file by time and object id: two messages sent by one
        # worker within a second may land in the same file, so each file is read from where the
        # previous look stopped.
        separator = "-" * 79
        while not self.stop:
            found = False
            for entry in sorted(os.scandir(self.folder), key=lambda e: e.name):
                # Reading every file on every look made this thread the client's biggest CPU
                # user (a thousand files by the end of a run): read only the ones that grew.
                size = entry.stat().st_size
                if self.sizes.get(entry.name) == size:
                    continue
                self.sizes[entry.name] = size
                path = Path(entry.path)
                text = path.read_text(errors="replace")
                done = self.offsets.get(path.name, 0)
                end = text.rfind(separator)
                if end < done:
                    continue
                end += len(separator)
                self.offsets[path.name] = end
                found = True
                for chunk in text[done:end].split(separator):
                    if not chunk.strip():
                        continue
                    message = email.message_from_string(chunk.strip())
                    body = message.get_payload(decode=True).decode()
                    link = re.search(r"https?://[^/\s]+(/vote/\S+/confirm/\S+/)", body).group(1)
                    with self.lock:
                        self.links.setdefault(message["To"], []).append(link)
                        self.lock.notify_all()
            if not found:
                time.sleep(0.02)

    def wait(self, address: str, count: int, timeout: float = 30) -> list[str]:
        with self.lock:
            self.lock.wait_for(lambda: len(self.links.get(address, [])) >= count, timeout=timeout)
            return list(self.links.get(address, []))


class Voter(JurorClient):
    def __init__(self, base: str, slug: str, address: str, mailbox: Mailbox, seed: int):
        super().__init__(base, address, [0], [], seed=seed)
        self.slug, self.address, self.mailbox = slug, address, mailbox
        self.counted = False  # told "your vote counts" at least once

    def vote(self) -> bool:
        page_path = f"/vote/{self.slug}/"
        status, page = self.request(page_path, kind="page")
        if status != 200:
            self.errors.append(f"GET {page_path} -> {status}")
            return False
        challenge = re.search(rb'name="challenge" value="([^"]+)"', page).group(1).decode()
        projects = re.findall(rb'name="project" value="(\d+)"', page)
        token = self._csrf()
        data = {
            "csrfmiddlewaretoken": token,
            "email": self.address,
            "project": self.rng.choice(projects).decode(),
            "challenge": challenge,
            "solution": "0",
            "website": "",
        }
        status, body = self.request(page_path, data, kind="vote")
        if status == 302:
            return True
        if status != 400 or b"already voted" not in body:
            self.errors.append(f"POST {page_path} -> {status}")
        return False

    def confirm(self, link: str) -> None:
        status, page = self.request(link, kind="confirm_page")
        if status != 200:
            self.errors.append(f"GET confirm -> {status}")
            return
        status, page = self.request(link, {"csrfmiddlewaretoken": self._csrf()}, kind="confirm")
        if status == 200 and b'data-testid="vote-confirmed"' in page:
            self.counted = True
        elif status != 400 or b"already voted" not in page:
            self.errors.append(f"POST confirm -> {status}")


def run_voter(voter: Voter, mode: str) -> None:
    if mode == "concurrent":
        sent = [voter.vote(), voter.vote()]
        links = voter.mailbox.wait(voter.address, sum(sent))
        threads = [threading.Thread(target=voter.confirm, args=(link,)) for link in links]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return
    if voter.vote():
        (link,) = voter.mailbox.wait(voter.address, 1)[:1] or [None]
        if link is None:
            voter.errors.append("no email")
            return
        voter.confirm(link)
    if mode == "repeat" and voter.vote():  # refused at once when the vote cannot change
        voter.errors.append("a second vote was accepted")


def _cpu_seconds(process: subprocess.Popen | None) -> float:
    """user + system CPU of a child process so far (0 without one)."""
    if process is None:
        return 0.0
    try:
        text = Path(f"/proc/{process.pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    from _support import django_setup, temporary_database

    voters = int(os.environ.get("BENCH_VOTERS", 1000))
    clients = int(os.environ.get("BENCH_CLIENTS", 12))
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with temporary_database("vote") as db_env, tempfile.TemporaryDirectory(prefix="award-vote-mail-") as mail_dir:
        django_setup(migrate=True)
        slug = seed()
        from django.db import connections

        connections.close_all()
        immediate = os.environ.get("BENCH_TASKS") == "immediate"
        workers = int(os.environ["BENCH_WORKERS"]) if os.environ.get("BENCH_WORKERS") else None
        os.environ["BENCH_SECRET_KEY"] = secrets.token_urlsafe(50)  # the server's and the task worker's
        env = {**db_env, "EMAIL_URL": f"file://{mail_dir}"}
        if immediate:
            env["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
        mailbox = Mailbox(mail_dir)
        with server(env, workers=workers) as (base, master):
            task_worker = None
            if not immediate:
                interval = os.environ.get("BENCH_TASK_INTERVAL", "0.2")
                task_worker = subprocess.Popen(
                    [sys.executable, "manage.py", "db_worker", "--interval", interval],
                    cwd=ROOT,
                    env=server_env(env, 0, mail_dir, workers),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            print(
                f"gunicorn {workers or 'the default (2 x cores + 1)'} workers; emails "
                f"{'in the request' if immediate else 'by a db_worker'}; {os.cpu_count()} cores",
                flush=True,
            )
            people = [Voter(base, slug, f"voter{i}@example{i % 50}.org", mailbox, seed=i) for i in range(voters)]
            work: queue.Queue = queue.Queue()
            for i, person in enumerate(people):
                work.put((person, "concurrent" if i % 10 == 3 else "repeat" if i % 10 == 7 else "once"))

            def client() -> None:
                while True:
                    try:
                        person, mode = work.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        run_voter(person, mode)
                    except Exception as error:  # noqa: BLE001 - counted as an error of the run
                        person.errors.append(repr(error))

            load_before = load_average()
            worker_cpu = _cpu_seconds(task_worker)
            server_cpu, client_cpu = server_cpu_seconds(master), time.process_time()
            started = time.monotonic()
            threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - started
            server_cpu = server_cpu_seconds(master) - server_cpu + _cpu_seconds(task_worker) - worker_cpu
            client_cpu = time.process_time() - client_cpu
            load_after = load_average()
            if task_worker is not None:
                task_worker.terminate()
                try:
                    task_worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    task_worker.kill()
                    task_worker.wait()
        mailbox.stop = True

        from django.db.models import Count

        from scoring.vote.checks import voter_hash
        from scoring.vote.enums import VoteStatus
        from scoring.vote.models import PublicVote, Vote

        poll = PublicVote.objects.get(edition__slug=slug)
        confirmed = Vote.objects.filter(poll=poll, status=VoteStatus.CONFIRMED)
        per_voter = dict(confirmed.values("voter_hash").annotate(n=Count("id")).values_list("voter_hash", "n"))
        double = sum(n - 1 for n in per_voter.values() if n > 1)
        lost = sum(1 for p in people if p.counted and voter_hash(poll.secret, p.address) not in per_voter)
        latencies = [x for p in people for x in p.latencies]
        errors = [e for p in people for e in p.errors]
        for kind in ("page", "vote", "confirm_page", "confirm"):
            values = [x for p in people for x in p.by_kind.get(kind, [])]
            print(
                f"{kind}: n={len(values)} p50_ms={percentile(values, 50) * 1000:.1f} "
                f"p95_ms={percentile(values, 95) * 1000:.1f}"
            )
        for e in errors[:10]:
            print("error:", e)
        total = confirmed.count()
        print(
            f"loadavg_before={load_before} loadavg_after={load_after} "
            f"server_cpu_ms_per_vote={server_cpu / max(1, total) * 1000:.1f} "
            f"client_cpu_ms_per_vote={client_cpu / max(1, total) * 1000:.1f} "
            f"server_cpu_share={server_cpu / elapsed / (os.cpu_count() or 1):.0%} of the machine"
        )
        print(
            f"voters={voters} clients={clients} seconds={elapsed:.1f} requests={len(latencies)} "
            f"rps={len(latencies) / elapsed:.1f} confirmed={total} told_counted={sum(p.counted for p in people)} "
            f"errors={len(errors)}"
        )
        print(
            f"votes_per_minute={total / elapsed * 60:.0f} p95_ms={percentile(latencies, 95) * 1000:.1f} "
            f"double_votes={double} lost_votes={lost}",
            flush=True,
        )


if __name__ == "__main__":
    main()
