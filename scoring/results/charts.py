"""Server-rendered SVG charts for the ranking page: no JavaScript, no CDN, no inline styles
(presentation attributes only, so the content security policy needs no exception)."""

from __future__ import annotations

import statistics

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

ACCENT = "#0b5394"
MUTED = "#8a97a6"
WARN = "#b45f06"
GRID = "#d6dde6"


def _x(value: float, left: float, width: float) -> float:
    return round(left + max(0.0, min(100.0, value)) / 100.0 * width, 1)


def strip_plot(totals: list[float], *, score: float | None = None, label: str = "", width: int = 180) -> SafeString:
    """One dot per juror total on a 0–100 line; a vertical mark at the official score."""
    height, left, inner = 22, 4, width - 8
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="11" r="4" fill="{}" fill-opacity="0.75"><title>{}</title></circle>',
        ((_x(t, left, inner), ACCENT, f"{t:.1f}") for t in totals),
    )
    mark = ""
    if score is not None:
        x = _x(score, left, inner)
        mark = format_html('<line x1="{}" x2="{}" y1="2" y2="20" stroke="{}" stroke-width="2"/>', x, x, WARN)
    return format_html(
        '<svg class="chart strip" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}">'
        '<line x1="{l}" x2="{r}" y1="11" y2="11" stroke="{grid}" stroke-width="2"/>{mark}{dots}</svg>',
        w=width,
        h=height,
        l=left,
        r=left + inner,
        grid=GRID,
        label=label,
        mark=mark,
        dots=dots,
    )


def probability_bar(probability: float | None, *, label: str = "", width: int = 90) -> SafeString:
    if probability is None:
        return mark_safe("")  # noqa: S308 - a constant
    inner = round(probability * (width - 2), 1)
    colour = ACCENT if probability >= 0.9 or probability <= 0.1 else WARN
    return format_html(
        '<svg class="chart bar" viewBox="0 0 {w} 14" width="{w}" height="14" role="img" aria-label="{label}">'
        '<rect x="1" y="2" width="{full}" height="10" rx="2" fill="{grid}"/>'
        '<rect x="1" y="2" width="{inner}" height="10" rx="2" fill="{colour}"/></svg>',
        w=width,
        full=width - 2,
        inner=inner,
        colour=colour,
        grid=GRID,
        label=label,
    )


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def box_plots(series: list[tuple[str, list[float]]], *, panel_mean: float | None = None, title: str = "") -> SafeString:
    """One horizontal box plot per juror: whiskers at min and max, box from the first to the
    third quartile, a bar at the median; a dashed line at the panel's mean total."""
    label_width, plot_width, row_height = 170, 420, 26
    width = label_width + plot_width + 20
    height = row_height * len(series) + 30
    parts = []
    for tick in (0, 25, 50, 75, 100):
        x = _x(tick, label_width, plot_width)
        parts.append(
            format_html(
                '<line x1="{x}" x2="{x}" y1="0" y2="{y}" stroke="{grid}"/>'
                '<text x="{x}" y="{ty}" font-size="11" text-anchor="middle" fill="#44505e">{t}</text>',
                x=x,
                y=height - 18,
                ty=height - 4,
                t=tick,
                grid=GRID,
            )
        )
    if panel_mean is not None:
        x = _x(panel_mean, label_width, plot_width)
        parts.append(
            format_html(
                '<line x1="{x}" x2="{x}" y1="0" y2="{y}" stroke="{c}" stroke-dasharray="4 3" stroke-width="1.5"/>',
                x=x,
                y=height - 18,
                c=WARN,
            )
        )
    for index, (name, values) in enumerate(series):
        y = index * row_height + 13
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" font-size="12" text-anchor="end" dominant-baseline="middle" fill="#1b2a3a">{n}</text>',
                x=label_width - 8,
                y=y,
                n=name[:28],
            )
        )
        if not values:
            continue
        lo, hi = min(values), max(values)
        q1, q2, q3 = _quartiles(sorted(values))
        parts.append(
            format_html(
                "<g><title>{n}: {stats}</title>"
                '<line x1="{xlo}" x2="{xhi}" y1="{y}" y2="{y}" stroke="{m}" stroke-width="1.5"/>'
                '<rect x="{xq1}" y="{top}" width="{bw}" height="14" fill="#dbe7f3" stroke="{a}"/>'
                '<line x1="{xq2}" x2="{xq2}" y1="{top}" y2="{bottom}" stroke="{a}" stroke-width="2.5"/></g>',
                n=name,
                stats=f"min {lo:.1f}, Q1 {q1:.1f}, median {q2:.1f}, Q3 {q3:.1f}, max {hi:.1f}",
                xlo=_x(lo, label_width, plot_width),
                xhi=_x(hi, label_width, plot_width),
                xq1=_x(q1, label_width, plot_width),
                bw=max(1.0, round(_x(q3, label_width, plot_width) - _x(q1, label_width, plot_width), 1)),
                xq2=_x(q2, label_width, plot_width),
                y=y,
                top=y - 7,
                bottom=y + 7,
                m=MUTED,
                a=ACCENT,
            )
        )
    return format_html(
        '<svg class="chart boxes" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{t}">{p}</svg>',
        w=width,
        h=height,
        t=title,
        p=mark_safe("".join(parts)),  # noqa: S308 - each part is built with format_html
    )
