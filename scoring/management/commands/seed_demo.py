from django.core.management.base import BaseCommand

from scoring.demo import APPLICANT_EMAIL, DEMO_PASSWORD, JUROR_EMAIL, ORGANISER_EMAIL, demo_seed


class Command(BaseCommand):
    help = "Create the demo edition (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        summary = demo_seed()
        verb = "Created" if summary.created else "Already present"
        self.stdout.write(self.style.SUCCESS(f"{verb}: demo edition 'V4 Smart Project Award 2026'"))
        self.stdout.write(
            f"categories={summary.categories} criteria={summary.criteria} rounds={summary.rounds} "
            f"projects={summary.projects} jurors={summary.jurors} conflicts={summary.conflicts} "
            f"assignments={summary.assignments} completed={summary.completed_assignments} "
            f"scores={summary.scores} round1_completion={summary.completion_percent}%"
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(f"  organiser  {ORGANISER_EMAIL}")
        self.stdout.write(f"  juror      {JUROR_EMAIL}   (juror1 ... juror12)")
        self.stdout.write(f"  applicant  {APPLICANT_EMAIL}")
