"""Text and QR codes written straight into PDF content streams, on top of artwork pages that
WeasyPrint rendered once.

Laying out a few lines per certificate with WeasyPrint costs 15–30 ms each; here a line is
measured with the font's advance widths (fontTools), broken greedily at spaces and after "/"
(or anywhere in a word longer than the line), and drawn as glyph ids of an embedded TrueType
font (Type0/CIDFontType2, Identity-H, with a ToUnicode map so that the text can be searched and
copied). fontTools subsets each font once per document: a batch to the glyphs it draws, a single
certificate to its alphabet (kept in the process for the next download). No shaping:
no kerning and no ligatures, which Latin text does without. User text never becomes markup,
so nothing in it can make the renderer fetch anything.
"""

from reports.pdfdraw.compose import Canvas, Composed, pdf_compose
from reports.pdfdraw.fonts import LATIN, FontSet, Style, face, font_subset, font_subset_cached, glyphs, wrap
from reports.pdfdraw.qr import qr_matrix

__all__ = [
    "LATIN",
    "Canvas",
    "Composed",
    "FontSet",
    "Style",
    "face",
    "font_subset",
    "font_subset_cached",
    "glyphs",
    "pdf_compose",
    "qr_matrix",
    "wrap",
]
