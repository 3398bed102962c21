from django.core.management.base import BaseCommand

from demo.seeding import (
    ADMIN_EMAIL,
    APPLICANT_EMAIL,
    CHAIR_EMAIL,
    DEMO_PASSWORD,
    DEMO_SLUGS,
    JUROR_EMAIL,
    ORGANISER_EMAIL,
    demo_seed,
)


class Command(BaseCommand):
    help = "Create the demo editions (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        summaries = demo_seed()
        verb = "Created" if summaries[0].created else "Already present"
        for summary in summaries:
            self.stdout.write(self.style.SUCCESS(f"{verb}: demo edition '{summary.name}' ({summary.stage})"))
            # One line per edition, keys in a fixed order, so that scripts can read the counts.
            self.stdout.write(
                f"  categories={summary.categories} criteria={summary.criteria} rounds={summary.rounds} "
                f"projects={summary.projects} jurors={summary.jurors} conflicts={summary.conflicts} "
                f"assignments={summary.assignments} completed={summary.completed_assignments} "
                f"scores={summary.scores} results={summary.results} certificates={summary.certificates} "
                f"round1_completion={summary.completion_percent}%"
            )
        if len(summaries) < len(DEMO_SLUGS):
            # Seeding is idempotent per database: one seeded by an older version keeps its old demo.
            self.stdout.write(
                self.style.WARNING(
                    "This database holds the demo of an older version (one edition, its call closed). "
                    "Delete db.sqlite3 and run `make demo` again for the current demo."
                )
            )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  administrator  {ADMIN_EMAIL}   (creates editions, appoints organisers; /admin/)")
        self.stdout.write(f"  organiser      {ORGANISER_EMAIL}   (organises the demo editions)")
        self.stdout.write(f"  juror          {JUROR_EMAIL}   (juror1 ... juror12)")
        self.stdout.write(f"  jury chair     {CHAIR_EMAIL}   (runs the 2026 jury meeting of two categories)")
        self.stdout.write(f"  applicant      {APPLICANT_EMAIL}")
        self.stdout.write("  or sign up as a new applicant: the 2027 call is open")
