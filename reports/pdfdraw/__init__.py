"""Text and QR codes written straight into PDF content streams, on top of artwork pages that
WeasyPrint rendered once.

Laying out a few lines per certificate with WeasyPrint costs 15–30 ms each; here a line is
measured with the font's advance widths (fontTools), broken greedily at spaces and after "/"
(or anywhere in a word longer than the line), and drawn as glyph ids of an embedded TrueType
font (Type0/CIDFontType2, Identity-H, with a ToUnicode map so that the text can be searched and
copied). Each font is subset once per document to the glyphs the document uses. No shaping:
no kerning and no ligatures, which Latin text does without. User text never becomes markup,
so nothing in it can make the renderer fetch anything.
"""

from reports.pdfdraw.compose import Canvas, Composed, pdf_compose, reachable
from reports.pdfdraw.fonts import FontSet, Style, face, glyphs, truetype_subset, wrap
from reports.pdfdraw.qr import qr_matrix

__all__ = [
    "Canvas",
    "Composed",
    "FontSet",
    "Style",
    "face",
    "glyphs",
    "pdf_compose",
    "qr_matrix",
    "reachable",
    "truetype_subset",
    "wrap",
]
