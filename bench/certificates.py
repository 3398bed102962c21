"""Benchmark: 1,000 certificates as one batch against one WeasyPrint run per certificate.

The batch is the background task as organisers run it (reports.tasks.certificate_batch_run):
issue, render the whole batch as one document (WeasyPrint renders the artwork once per edition,
kind and language; each recipient's lines and QR code are written into the PDF directly), write
it whole and one page per file into a zip, and store the merged PDF and the zip.

The baseline is what one certificate costs on its own: `certificates_render([certificate])`, the
single download's code path, called for 100 certificates (BENCH_SLOW_SAMPLE) and extrapolated to
1,000. Each call is one WeasyPrint run (the artwork) plus the same text layer of its own;
between calls nothing is kept but what a server process keeps for single downloads too: the
fonts' metrics, their subsets per alphabet (made by the first call) and the QR version per URL
length.

    python bench/certificates.py          # temporary SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/certificates.py

Last line: certificates_per_second=<x> speedup=<x>
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
COUNT = int(os.environ.get("BENCH_CERTIFICATES", "1000"))
SLOW_SAMPLE = int(os.environ.get("BENCH_SLOW_SAMPLE", "100"))


def main() -> None:
    from _support import django_setup, temporary_database

    tmp = tempfile.mkdtemp(prefix="bench-certificates-")
    os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")
    with temporary_database("certificates"):
        django_setup()
        run()


def run() -> None:
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from award.models import Category, Edition, User
    from reports.certificates import certificates_render
    from reports.enums import JobStatus
    from reports.models import CertificateBatch
    from reports.services import certificates_issue
    from reports.tasks import certificate_batch_run
    from submissions.enums import ProjectStatus
    from submissions.models import Project

    call_command("migrate", verbosity=0)
    unusable = make_password(None)
    now = timezone.now()
    edition = Edition.objects.create(
        name="V4 Smart Project Award 2026",
        slug="bench",
        year=2026,
        submissions_open_at=now - timedelta(days=60),
        submissions_close_at=now - timedelta(days=30),
        ceremony_at=now + timedelta(days=30),
        ceremony_place="Bratislava",
        signatories=[
            {"name": "Ľubomír Šťastný", "title": "Predseda poroty"},
            {"name": "Zsófia Győri", "title": "Chair of the jury"},
        ],
    )
    category = Category.objects.create(edition=edition, name="Smart City", slug="smart-city")
    languages = ["sk", "cs", "pl", "hu", "en"]
    owners = User.objects.bulk_create(
        [User(email=f"team{i}@bench.example", language=languages[i % 5], password=unusable) for i in range(COUNT)]
    )
    owners = list(User.objects.filter(email__endswith="@bench.example").order_by("id"))
    Project.objects.bulk_create(
        [
            Project(
                edition=edition,
                category=category,
                owner=owner,
                reference=f"V4A-2026-{i:04d}",
                status=ProjectStatus.ELIGIBLE,
                title=f"Inteligentné osvetlenie ľščťžýáíéúäôň {i}",
                organisation_name=f"Mesto Łódź ąężź ő ű řůě {i}",
            )
            for i, owner in enumerate(owners)
        ]
    )
    certificates = certificates_issue(edition=edition, kinds=["participant"], actor=None)
    assert len(certificates) == COUNT

    batch = CertificateBatch.objects.create(
        edition=edition, kinds=["participant"], base_url="https://award.example.org"
    )
    started, cpu = time.perf_counter(), time.process_time()
    certificate_batch_run.call(batch.pk)
    fast = time.perf_counter() - started
    fast_cpu = time.process_time() - cpu
    batch.refresh_from_db()
    assert batch.status == JobStatus.DONE and batch.done == COUNT

    sample = certificates[:SLOW_SAMPLE]
    started, cpu = time.perf_counter(), time.process_time()
    for certificate in sample:
        certificates_render([certificate], base_url="https://award.example.org")
    slow_each = (time.perf_counter() - started) / len(sample)
    slow_each_cpu = (time.process_time() - cpu) / len(sample)

    per_second = COUNT / fast
    print(
        f"batch: {COUNT} certificates in {fast:.2f} s (merged PDF and zip included); "
        f"one run per certificate: {slow_each * 1000:.0f} ms each, {slow_each * COUNT:.1f} s extrapolated"
    )
    # CPU time of this process as well: on a shared machine the wall time says more about the neighbours.
    print(f"cpu: batch {fast_cpu:.2f} s, one run per certificate {slow_each_cpu * 1000:.0f} ms each")
    print(f"certificates_per_second={per_second:.1f} speedup={slow_each * COUNT / fast:.1f}")


if __name__ == "__main__":
    main()
