"""Every PDF the platform makes is rendered here, through one URL fetcher that can reach
nothing but `data:` URLs and the project's own static files.

User text in a PDF (a project title, an organisation, a comment) is escaped by the templates;
the fetcher is the second wall: even markup or CSS that slipped through cannot read local
files (`file:///etc/passwd`), call internal services (`http://127.0.0.1`) or follow redirects.
"""

import logging
from pathlib import Path

from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetchingError

logger = logging.getLogger(__name__)


def static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class SafeURLFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(timeout=3, allowed_protocols={"data", "file"}, allow_redirects=False)
        self.requested: list[str] = []

    def fetch(self, url: str, headers=None):
        self.requested.append(url)
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url.split("?", 1)[0].removeprefix("file://")).resolve()
            if any(path.is_relative_to(root) for root in static_roots()) and path.is_file():
                return super().fetch(path.as_uri(), headers)
        logger.warning("PDF renderer refused to fetch %s", url[:200])
        raise URLFetchingError(f"Refused to fetch {url[:200]}")


def pdf_base_url() -> str:
    """Relative URLs in PDF templates (fonts/…, img/…) resolve inside the first static folder."""
    return static_roots()[0].as_uri() + "/"


def pdf_render(html: str, *, fetcher: SafeURLFetcher | None = None) -> bytes:
    return HTML(string=html, base_url=pdf_base_url(), url_fetcher=fetcher or SafeURLFetcher()).write_pdf()
