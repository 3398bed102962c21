"""django_tasks_db's worker, plus the sweep that picks up the jobs of workers that died.

It takes the place of the library's command (reports is listed before django_tasks_db in
INSTALLED_APPS); options and behaviour are the library's."""

import logging
import os

from django.db import DatabaseError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as LibraryCommand

from reports.jobs import Sweeper, jobs_recover

logger = logging.getLogger(__name__)


class Command(LibraryCommand):
    help = LibraryCommand.help + " (and requeue the report jobs of workers that stopped; see recover_jobs)"

    def handle(self, *args, **options) -> None:
        if options.get("reload") and not options.get("batch") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's parent process only watches files; its child is the worker.
            return super().handle(*args, **options)
        # At once, so that a worker started after a crash (or with --batch) runs what was left;
        # then every half lease while it waits for tasks and while it runs them.
        try:
            jobs_recover()
        except DatabaseError:
            logger.exception("Sweep for jobs of stopped workers failed")
        sweeper = None if options.get("batch") else Sweeper()
        if sweeper is not None:
            sweeper.start()
        try:
            super().handle(*args, **options)
        finally:
            if sweeper is not None:
                sweeper.stop()
