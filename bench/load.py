"""Bounded load test: gunicorn as deployed (README) on PostgreSQL, simulated jurors scoring.

    .venv/bin/python bench/load.py            # 50 jurors for 120 s
    BENCH_SECONDS=20 BENCH_USERS=10 .venv/bin/python bench/load.py

Seeds an open round with BENCH_USERS jurors and ~8 assignments each into a temporary
database (PostgreSQL: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres),
starts `gunicorn -c python:award.gunicorn_conf award.wsgi` on a free loopback port (with the
README's worker count, 2 x cores + 1, unless BENCH_WORKERS says otherwise), logs every
juror in through /accounts/login/ and acknowledges the jury briefing (before the clock starts), and lets them loop for BENCH_SECONDS: open the dashboard
/jury/, open an assignment, change a score and save it exactly as static/js/autosave.js does
(POST of the whole form with its version, X-Autosave: 1; a 409 re-reads the page). Every
acknowledged save is recorded client-side and compared with the database afterwards.
The jurors start within the first BENCH_RAMP seconds (default 2 x BENCH_THINK), each at a random
moment, as people do: fifty first clicks in the same millisecond would measure a burst that no
jury produces (about 5 % of a 60 s run's scoring-page requests: enough, by the counts, to set
its p95; BENCH_RAMP=0 reproduces it).

Besides the latencies it prints the CPU the server used per request (gunicorn's workers, from
/proc) and the CPU of this client, with the load average: on a shared machine the wall times
say little without them.

Goals: p95 under 200 ms, no errors, nothing lost; the scoring page (assignment) and the autosave
(save) each under 150 ms at p95 on a quiet machine (issue 18), printed per kind. The last line printed is
`p95_ms=<x> rps=<x> errors=<n> lost=<n>`.

The pieces (seed, server, JurorClient, lost_saves) are reused by
tests/scoring/test_load_fault.py, which kills a worker in the middle of the saves.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password-2026"
CONNECTION_ERRORS = (ConnectionError, http.client.HTTPException, socket.timeout, urllib.error.URLError, OSError)


# --- Seeding (in a process where Django is set up) ----------------------------------------------


def seed(*, users: int, per_user: int = 8, criteria: int = 5) -> dict:
    """An edition with an open round, `users` jurors with `per_user` assignments each.
    Returns {"jurors": [[email, [assignment ids]]], "criteria": [[id, min, max]]}."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from award.enums import Role
    from award.models import Criterion, Edition, EditionRole, Round, User
    from scoring.models import Assignment
    from submissions.enums import ProjectStatus
    from submissions.models import Project

    now = timezone.now()
    password_hash = make_password(PASSWORD)
    with transaction.atomic():
        edition = Edition.objects.create(
            name="Load test edition",
            slug=f"load-{secrets.token_hex(3)}",
            year=now.year + 1,
            submissions_open_at=now - timedelta(days=60),
            submissions_close_at=now - timedelta(days=30),
        )
        rubric = [Criterion.objects.create(edition=edition, name=f"Criterion {i}", position=i) for i in range(criteria)]
        round_ = Round.objects.create(
            edition=edition,
            number=1,
            name="Round 1",
            scoring_opens_at=now - timedelta(days=1),
            scoring_closes_at=now + timedelta(days=10),
        )
        owner = User.objects.create(email="load-owner@example.org", password=password_hash)
        n_projects = max(per_user, users * per_user // 3)
        projects = Project.objects.bulk_create(
            Project(
                edition=edition,
                owner=owner,
                status=ProjectStatus.ELIGIBLE,
                title=f"Project {i}",
                reference=f"LOAD-{i:05d}",
                organisation_name=f"Town {i}",
            )
            for i in range(n_projects)
        )
        jurors = User.objects.bulk_create(
            User(email=f"juror{i:03d}@load.example.org", password=password_hash, first_name="Juror", last_name=str(i))
            for i in range(users)
        )
        EditionRole.objects.bulk_create(EditionRole(edition=edition, user=j, role=Role.JUROR) for j in jurors)
        Assignment.objects.bulk_create(
            Assignment(round=round_, project=projects[(i * per_user + k) % n_projects], juror=juror)
            for i, juror in enumerate(jurors)
            for k in range(per_user)
        )
    plan = {
        "jurors": [],
        "criteria": [[c.pk, str(c.min_value), str(c.max_value)] for c in rubric],
        # Every juror acknowledges the jury briefing after logging in: no score is saved before.
        "briefing": f"/jury/briefing/{edition.slug}/",
    }
    for juror in jurors:
        ids = list(Assignment.objects.filter(juror=juror).order_by("id").values_list("id", flat=True))
        plan["jurors"].append([juror.email, ids])
    return plan


def stored_scores() -> dict[tuple[int, int], list[Decimal]]:
    """Every Score row, as {(assignment, criterion): [values]} (a list, to see duplicates)."""
    from scoring.models import Score

    rows: dict[tuple[int, int], list[Decimal]] = {}
    for aid, cid, value in Score.objects.values_list("assignment_id", "criterion_id", "value"):
        rows.setdefault((aid, cid), []).append(Decimal(value))
    return rows


def lost_saves(acknowledged: dict[tuple[int, int], Decimal], stored: dict[tuple[int, int], list[Decimal]]) -> int:
    """Acknowledged latest values that are not the stored value (or are stored twice)."""
    return sum(1 for key, value in acknowledged.items() if stored.get(key) != [value])


# --- The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(db_env: dict[str, str], port: int, static_root: str, workers: int | None = 2) -> dict[str, str]:
    """`workers` None: as deployed, gunicorn_conf's default (2 x cores + 1; README, Configuration)."""
    skip = {"DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    skip |= {"WEB_CONCURRENCY"} if workers is None else set()
    env = {k: v for k, v in os.environ.items() if k not in skip}
    if workers is not None:
        env["WEB_CONCURRENCY"] = str(workers)
    env.update(
        DJANGO_SETTINGS_MODULE="award.settings",
        BIND=f"127.0.0.1:{port}",
        DEBUG="0",
        # One key for the server and the task worker beside it (bench/vote_load.py): both sign.
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=static_root,
        **db_env,
    )
    return env


LENIENT_SETTINGS = """
from award.settings import *  # noqa: F403
from whitenoise.storage import CompressedManifestStaticFilesStorage


class LenientManifestStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple(
        (glob, tuple(p for p in entries if "sourceMappingURL" not in (p if isinstance(p, str) else p[0])))
        for glob, entries in CompressedManifestStaticFilesStorage.patterns
    )


STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "load_settings.LenientManifestStorage"}}  # noqa: F405
"""


@contextmanager
def server(db_env: dict[str, str], *, workers: int | None = 2):
    """gunicorn with `workers` workers (None: gunicorn_conf's default, as deployed) on a free
    loopback port; yields (base URL, master Popen)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="award-load-static-") as static_root:
        env = server_env(db_env, port, static_root, workers)
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        done = subprocess.run(collect, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            # The manifest storage refuses a vendored file naming a missing source map; serve
            # the same files with a storage that leaves sourceMappingURL comments alone.
            print(
                "warning: collectstatic failed with the production storage; using a lenient one:",
                done.stderr.strip().splitlines()[-1:],
                flush=True,
            )
            settings_dir = Path(static_root) / "_settings"
            settings_dir.mkdir()
            (settings_dir / "load_settings.py").write_text(LENIENT_SETTINGS)
            env.update(
                DJANGO_SETTINGS_MODULE="load_settings",
                PYTHONPATH=os.pathsep.join(filter(None, [str(settings_dir), str(ROOT), env.get("PYTHONPATH")])),
            )
            subprocess.run(collect, cwd=ROOT, env=env, check=True, timeout=300)
        log = tempfile.TemporaryFile()
        master = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:award.gunicorn_conf", "award.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/accounts/login/", timeout=2)
                    break
                except OSError:
                    if master.poll() is not None:
                        log.seek(0)
                        raise RuntimeError("gunicorn exited:\n" + log.read().decode(errors="replace")[-3000:]) from None
                    time.sleep(0.1)
            yield base, master
        finally:
            master.send_signal(signal.SIGTERM)
            try:
                master.wait(timeout=40)
            except subprocess.TimeoutExpired:
                master.kill()
                master.wait()
            log.close()


def worker_pids(master: subprocess.Popen) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def server_cpu_seconds(master: subprocess.Popen) -> float:
    """CPU (user + system) used so far by gunicorn: its live workers, the workers it has reaped
    (recycled after max_requests) and the master itself."""
    ticks = os.sysconf("SC_CLK_TCK")

    def fields(pid: int) -> list[str]:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return []
        return text[text.rindex(")") + 2 :].split()

    total = 0
    own = fields(master.pid)
    if own:
        total += sum(int(x) for x in own[11:15])  # utime, stime, cutime, cstime
    for pid in worker_pids(master):
        own = fields(pid)
        if own:
            total += int(own[11]) + int(own[12])
    return total / ticks


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# --- A simulated juror ------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class JurorClient:
    """One juror's browser: a cookie jar, the form state per assignment, the versions it saw."""

    def __init__(
        self,
        base: str,
        email: str,
        assignments: list[int],
        criteria: list[list],
        *,
        seed: int = 0,
        briefing: str | None = None,
    ):
        self.base, self.email, self.assignments, self.briefing = base, email, assignments, briefing
        self.criteria = [(int(cid), int(Decimal(lo)), int(Decimal(hi))) for cid, lo, hi in criteria]
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.by_kind: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.retries = 0
        self.saves = 0
        self.state: dict[int, dict[int, Decimal]] = {}  # what the juror's form holds per assignment
        self.versions: dict[int, int] = {}
        self.acknowledged: dict[tuple[int, int], Decimal] = {}  # latest acknowledged value

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(
        self, path: str, data: dict | None = None, headers: dict | None = None, *, kind: str = "other"
    ) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path, **(headers or {})}
        )
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=30) as response:
                status, content = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, content = error.code, error.read()
        elapsed = time.perf_counter() - started
        self.latencies.append(elapsed)
        self.by_kind.setdefault(kind, []).append(elapsed)
        return status, content

    def login(self) -> None:
        status, page = self.request("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, _ = self.request(
            "/accounts/login/", {"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        if status != 302:
            raise RuntimeError(f"login of {self.email} answered {status}")
        if self.briefing:
            self.acknowledge_briefing()
        self.latencies.clear()  # logging in is not part of the measured work
        self.by_kind.clear()

    def acknowledge_briefing(self) -> None:
        """Read the jury briefing and acknowledge it, as a juror does before the first score."""
        status, _ = self.request(self.briefing)
        if status != 200:
            raise RuntimeError(f"briefing for {self.email} answered {status}")
        status, _ = self.request(self.briefing, {"csrfmiddlewaretoken": self._csrf()})
        if status != 302:
            raise RuntimeError(f"acknowledging the briefing for {self.email} answered {status}")

    def open_dashboard(self) -> None:
        status, page = self.request("/jury/", kind="dashboard")
        if status != 200 or str(self.assignments[0]).encode() not in page:
            self.errors.append(f"GET /jury/ -> {status}")

    def open_assignment(self, aid: int) -> bool:
        """GET the scoring page; take the version and stored values from it, as a browser does."""
        status, page = self.request(f"/jury/assignments/{aid}/", kind="assignment")
        if status != 200:
            self.errors.append(f"GET assignment {aid} -> {status}")
            return False
        self.versions[aid] = int(re.search(rb'name="version" value="(\d+)"', page).group(1))
        values = {}
        for cid, _lo, _hi in self.criteria:
            tag = re.search(rb'<input[^>]*name="value_%d"[^>]*>' % cid, page)
            found = re.search(rb'value="([^"]*)"', tag.group(0)) if tag else None
            if found and found.group(1):
                values[cid] = Decimal(found.group(1).decode())
        self.state[aid] = values
        return True

    def save(self, aid: int, changes: dict[int, Decimal], *, attempts: int = 8) -> bool:
        """Save the whole form with `changes` applied, like autosave. A connection error is
        retried with the SAME version: if the lost answer had in fact been applied, the retry
        gets 409, the page is re-read and, holding our values, the save counts as landed once."""
        wanted = {**self.state.get(aid, {}), **changes}
        uncertain = False
        for _ in range(attempts):
            data = {"version": self.versions[aid], "overall_comment": "", "csrfmiddlewaretoken": self._csrf()}
            for cid, _lo, _hi in self.criteria:
                data[f"value_{cid}"] = str(wanted[cid]) if cid in wanted else ""
                data[f"comment_{cid}"] = ""
            try:
                status, content = self.request(
                    f"/jury/assignments/{aid}/",
                    data,
                    {"X-Autosave": "1", "X-CSRFToken": self._csrf(), "Accept": "application/json"},
                    kind="save",
                )
            except CONNECTION_ERRORS:
                uncertain = True
                self.retries += 1
                time.sleep(0.2)
                continue
            if status == 200:
                payload = json.loads(content)
                self.versions[aid] = payload["version"]
                return self._landed(aid, wanted)
            if status == 409:
                self.retries += 1
                try:
                    if not self.open_assignment(aid):
                        return False
                except CONNECTION_ERRORS:
                    uncertain = True
                    time.sleep(0.2)
                    continue
                if uncertain and self.state[aid] == wanted:
                    return self._landed(aid, wanted)
                continue
            if status in (502, 503, 504):
                uncertain = True
                self.retries += 1
                time.sleep(0.2)
                continue
            self.errors.append(f"POST assignment {aid} -> {status}: {content[:200]!r}")
            return False
        self.errors.append(f"POST assignment {aid}: gave up after {attempts} attempts")
        return False

    def _landed(self, aid: int, wanted: dict[int, Decimal]) -> bool:
        self.saves += 1
        self.state[aid] = dict(wanted)
        for cid, value in wanted.items():
            self.acknowledged[(aid, cid)] = value
        return True

    def random_change(self) -> dict[int, Decimal]:
        cid, lo, hi = self.rng.choice(self.criteria)
        return {cid: Decimal(self.rng.randint(lo, hi))}


def run_juror(client: JurorClient, deadline: float, think: float, ramp: float = 0.0) -> None:
    """The juror's loop until the deadline: dashboard, an assignment, one or two saves; the first
    one starts at a random moment within `ramp` seconds."""
    try:
        time.sleep(client.rng.uniform(0, ramp))
        while time.monotonic() < deadline:
            client.open_dashboard()
            aid = client.rng.choice(client.assignments)
            if client.open_assignment(aid):
                for _ in range(client.rng.randint(1, 2)):
                    time.sleep(client.rng.uniform(0.5, 1.5) * think)
                    client.save(aid, client.random_change())
            time.sleep(client.rng.uniform(0.5, 1.5) * think)
    except Exception as error:  # noqa: BLE001 - a crashed client is an error, reported
        client.errors.append(f"{type(error).__name__}: {error}")


def log_in(client: JurorClient) -> None:
    try:
        client.login()
    except Exception as error:  # noqa: BLE001 - a failed login is an error, reported
        client.errors.append(f"login: {type(error).__name__}: {error}")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _support import django_setup, temporary_database

    seconds = float(os.environ.get("BENCH_SECONDS", 120))
    users = int(os.environ.get("BENCH_USERS", 50))
    think = float(os.environ.get("BENCH_THINK", 1.0))
    ramp = float(os.environ.get("BENCH_RAMP", 2 * think))
    workers = int(os.environ["BENCH_WORKERS"]) if os.environ.get("BENCH_WORKERS") else None
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with temporary_database("load") as db_env:
        django_setup(migrate=True)
        plan = seed(users=users, per_user=8)
        from django.db import connections

        connections.close_all()
        print(
            f"seeded {users} jurors, {sum(len(a) for _, a in plan['jurors'])} assignments; "
            f"gunicorn {workers or 'the default (2 x cores + 1)'} workers on "
            f"{'PostgreSQL' if 'SQLITE_PATH' not in db_env else 'SQLite'}; {os.cpu_count()} cores; "
            f"jurors start within {ramp:g} s",
            flush=True,
        )
        with server(db_env, workers=workers) as (base, master):
            clients = [
                JurorClient(base, email, ids, plan["criteria"], seed=i, briefing=plan["briefing"])
                for i, (email, ids) in enumerate(plan["jurors"])
            ]
            # Everyone logs in before the clock starts: fifty Argon2 checks at once are a burst of
            # CPU that says nothing about scoring, yet it would sit in the first seconds' latencies.
            logins = [threading.Thread(target=log_in, args=(c,), daemon=True) for c in clients]
            for t in logins:
                t.start()
            for t in logins:
                t.join(timeout=120)
            load_before = load_average()
            server_cpu, client_cpu = server_cpu_seconds(master), time.process_time()
            started = time.monotonic()
            deadline = started + seconds
            threads = [
                threading.Thread(target=run_juror, args=(c, deadline, think, ramp), daemon=True) for c in clients
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=seconds + 120)
            elapsed = time.monotonic() - started
            server_cpu = server_cpu_seconds(master) - server_cpu
            client_cpu = time.process_time() - client_cpu
            print(f"workers={len(worker_pids(master))} loadavg_before={load_before} loadavg_after={load_average()}")
        stored = stored_scores()
        acknowledged: dict = {}
        for c in clients:
            acknowledged.update(c.acknowledged)
        latencies = [x for c in clients for x in c.latencies]
        errors = [e for c in clients for e in c.errors]
        lost = lost_saves(acknowledged, stored)
        for kind in ("dashboard", "assignment", "save"):
            values = [x for c in clients for x in c.by_kind.get(kind, [])]
            print(
                f"{kind}: n={len(values)} p50_ms={percentile(values, 50) * 1000:.1f} "
                f"p95_ms={percentile(values, 95) * 1000:.1f}"
            )
        for e in errors[:10]:
            print("error:", e)
        n = max(1, len(latencies))
        print(
            f"server_cpu_ms_per_request={server_cpu / n * 1000:.1f} client_cpu_ms_per_request={client_cpu / n * 1000:.1f} "
            f"server_cpu_share={server_cpu / elapsed / (os.cpu_count() or 1):.0%} of the machine"
        )
        print(
            f"requests={len(latencies)} saves={sum(c.saves for c in clients)} retries={sum(c.retries for c in clients)} "
            f"scores_acknowledged={len(acknowledged)} score_rows={sum(len(v) for v in stored.values())} "
            f"p50_ms={percentile(latencies, 50) * 1000:.1f} p99_ms={percentile(latencies, 99) * 1000:.1f}"
        )
        print(
            f"p95_ms={percentile(latencies, 95) * 1000:.1f} rps={len(latencies) / elapsed:.1f} "
            f"errors={len(errors)} lost={lost}",
            flush=True,
        )


if __name__ == "__main__":
    main()
