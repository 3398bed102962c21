import io

import pytest
from pypdf import PdfReader

from reports.pdf import SafeURLFetcher, pdf_render


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd">',
        '<img src="http://127.0.0.1:9/secret.png">',
        '<link rel="stylesheet" href="https://example.org/x.css">',
        '<div style="background: url(http://127.0.0.1:9/x)">x</div>',
        '<img src="../../../../etc/hostname">',
        '<object data="file:///etc/passwd"></object>',
    ],
)
def test_pdf_fetcher_refuses_everything_but_data_and_static(markup):
    fetcher = SafeURLFetcher()
    pdf = pdf_render(f"<html><body><p>Hello Žilina</p>{markup}</body></html>", fetcher=fetcher)
    assert "Hello Žilina" in _text(pdf)
    assert "root:" not in _text(pdf)
    assert fetcher.requested, "the payload should have been offered to the fetcher"


def test_pdf_fetcher_allows_static_files_and_data_urls():
    fetcher = SafeURLFetcher()
    pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
    pdf_render(
        f'<html><head><link rel="stylesheet" href="css/app.css"></head><body><img src="{pixel}">x</body></html>',
        fetcher=fetcher,
    )
    resp = fetcher.fetch(fetcher.requested[0])
    assert resp.read()[:2] == b"/*"
