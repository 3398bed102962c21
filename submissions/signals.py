"""Hooks for the apps above submissions (which may not be imported from here).

`project_submitted` is sent inside the submit transaction with `project` and `status_url`;
receivers that do slow work must defer it with `transaction.on_commit`.

`pdf_renderers` maps a document name to a callable that an upper app (reports) registers
from its AppConfig.ready: "application_summary"(project) -> bytes.

`job_starters` maps a slow document to a callable that queues it as a background job and
returns the address of the job's progress page: "application_dossier"(edition, category, actor) -> str.
"""

from collections.abc import Callable

from django.dispatch import Signal

project_submitted = Signal()

pdf_renderers: dict[str, Callable[..., bytes]] = {}


def pdf_renderer_register(name: str, renderer: Callable[..., bytes]) -> None:
    pdf_renderers[name] = renderer


job_starters: dict[str, Callable[..., str]] = {}


def job_starter_register(name: str, starter: Callable[..., str]) -> None:
    job_starters[name] = starter
