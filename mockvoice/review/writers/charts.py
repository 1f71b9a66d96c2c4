"""The HTML report's charts, drawn here in Python: pace over time and the pitch contour.

Pure Python, no numpy and no browser library: a chart is a list of :class:`Shape`
(an SVG element name from this module, its attributes and its text), which the
template writes out with Jinja2's autoescaping like everything else on the page.
Both charts use the answer's whole length as their time axis, the same as the
timeline above them, and the same margins (:data:`LEFT`, :data:`RIGHT`, which the
style sheet repeats), so a moment lines up on all three.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from mockvoice.results import clock
from mockvoice.voice.report import VoiceReport

WIDTH = 720  # viewBox units; the page scales the chart to its column
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 22  # the plot's margins, viewBox units
PACE_HEIGHT = 130
PITCH_HEIGHT = 160
BRIDGE_CELLS = 2  # a contour gap of one cell (0.25 s) is a consonant: the line goes on
TICK_STEPS_S = (5, 10, 15, 20, 30, 60, 120, 300)


@dataclass(frozen=True)
class Shape:
    tag: str  # "rect", "line", "polyline", "circle", "text"
    attrs: tuple[tuple[str, str], ...]
    text: str = ""


@dataclass
class Chart:
    id: str  # unique on the page: the <title> and <desc> are found by it
    kind: str  # "pace" or "pitch"
    title: str
    description: str  # the chart's data in words, for screen readers
    height: int
    shapes: list[Shape] = field(default_factory=list)
    width: int = WIDTH


def shape(tag: str, text: str = "", **attrs: float | str) -> Shape:
    """An element; ``class_`` becomes ``class``, numbers are rounded to 0.1 unit."""
    return Shape(tag, tuple((k.rstrip("_").replace("_", "-"), _num(v)) for k, v in attrs.items()),
                 text)


def _num(v: float | str) -> str:
    return v if isinstance(v, str) else f"{v:.1f}".removesuffix(".0")


class Frame:
    """The plot's scales: seconds to x, a value range to y."""

    def __init__(self, duration: float, height: int, low: float, high: float) -> None:
        self.duration, self.height, self.low, self.high = max(duration, 1e-6), height, low, high

    def x(self, t: float) -> float:
        return LEFT + min(max(t / self.duration, 0.0), 1.0) * (WIDTH - LEFT - RIGHT)

    def y(self, v: float) -> float:
        share = (min(max(v, self.low), self.high) - self.low) / (self.high - self.low)
        return self.height - BOTTOM - share * (self.height - TOP - BOTTOM)

    def axes(self, y_ticks: list[tuple[float, str]]) -> list[Shape]:
        """Grid lines and labels: time along the bottom, ``y_ticks`` up the left."""
        out = []
        for value, label in y_ticks:
            y = self.y(value)
            out.append(shape("line", class_="grid", x1=LEFT, x2=WIDTH - RIGHT, y1=y, y2=y))
            out.append(shape("text", label, class_="tick", x=LEFT - 6, y=y + 4,
                             text_anchor="end"))
        step = next((s for s in TICK_STEPS_S if self.duration / s <= 8), TICK_STEPS_S[-1])
        base = self.height - BOTTOM
        for i in range(int(self.duration // step) + 1):
            x = self.x(i * step)
            out.append(shape("line", class_="axis", x1=x, x2=x, y1=base, y2=base + 4))
            out.append(shape("text", clock(i * step), class_="tick", x=x, y=base + 16,
                             text_anchor="middle"))
        out.append(shape("line", class_="axis", x1=LEFT, x2=WIDTH - RIGHT, y1=base, y2=base))
        return out


def pace_chart(voice: VoiceReport, duration: float, chart_id: str) -> Chart | None:
    """Each window's words a minute as a level line, over the target band; None: no windows."""
    windows = voice.pace_over_time
    if not windows or duration <= 0:
        return None
    band = voice.bands["pace_over_time"]
    lo = band.low or 0.0
    hi = band.high or lo
    top = max(hi + 40, max(w.wpm for w in windows) + 20)
    bottom = max(0.0, min(lo - 40, min(w.wpm for w in windows) - 20))
    step = next((s for s in (20, 40, 50, 100) if (top - bottom) / s <= 5), 200)
    top, bottom = math.ceil(top / step) * step, math.floor(bottom / step) * step
    f = Frame(duration, PACE_HEIGHT, bottom, top)
    shapes = [shape("rect", class_="band", x=LEFT, width=WIDTH - LEFT - RIGHT, y=f.y(hi),
                    height=f.y(lo) - f.y(hi)),
              shape("text", f"target {lo:.0f}-{hi:.0f}", class_="band-label",
                    x=WIDTH - RIGHT - 6, y=f.y(hi) + 13, text_anchor="end")]
    shapes += f.axes([(v, f"{v:.0f}") for v in range(int(bottom), int(top) + 1, step)])
    said = []
    for w in windows:
        inside = lo <= w.wpm <= hi
        word = "in band" if inside else "too fast" if w.wpm > hi else "too slow"
        y, x1, x2 = f.y(w.wpm), f.x(w.start), f.x(w.end)
        shapes.append(shape("line", class_="window in" if inside else "window out",
                            x1=x1 + 1, x2=x2 - 1, y1=y, y2=y))
        middle = min(max((x1 + x2) / 2, LEFT + 30), WIDTH - RIGHT - 40)  # the label fits
        shapes.append(shape("text", f"{w.wpm:.0f}" + ("" if inside else f" {word}"),
                            class_="value", x=middle, y=y - 7, text_anchor="middle"))
        said.append(f"{clock(w.start)}-{clock(w.end)} {w.wpm:.0f} ({word})")
    trend = f"; {voice.pace_trend}" if voice.pace_trend else ""
    return Chart(chart_id, "pace", "Pace over the answer (words a minute)",
                 f"Words a minute in {len(windows)} window(s): {', '.join(said)}; target "
                 f"{lo:.0f}-{hi:.0f}{trend}.", PACE_HEIGHT, shapes)


def pitch_chart(voice: VoiceReport, duration: float, chart_id: str) -> Chart | None:
    """The contour in semitones from the median, flat stretches shaded; None: no contour."""
    contour, step = voice.pitch_contour, voice.pitch_contour_step_s
    if not any(v is not None for v in contour) or duration <= 0 or step <= 0:
        return None
    peak = max(abs(v) for v in contour if v is not None)
    reach = 6 if peak <= 6 else 12  # values past 12 st are drawn at the edge
    f = Frame(duration, PITCH_HEIGHT, -reach, reach)
    shapes = []
    for s in voice.monotone:
        x1, x2 = f.x(s.start), f.x(s.end)
        shapes.append(shape("rect", class_="flat", x=x1, width=max(x2 - x1, 1.0), y=TOP,
                            height=PITCH_HEIGHT - TOP - BOTTOM))
        shapes.append(shape("text", "flat", class_="flat-label", x=(x1 + x2) / 2, y=TOP + 12,
                            text_anchor="middle"))
    median = f"{voice.pitch_median_hz:.0f} Hz" if voice.pitch_median_hz else "median"
    shapes += f.axes([(float(v), f"{v:+d} st" if v else median)
                      for v in range(-reach, reach + 1, reach // 2)])
    for run in _runs(contour):
        points = [(f.x((i + 0.5) * step), f.y(v)) for i, v in run]
        if len(points) == 1:
            shapes.append(shape("circle", class_="contour-dot", cx=points[0][0],
                                cy=points[0][1], r=1.8))
        else:
            shapes.append(shape("polyline", class_="contour",
                                points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points)))
    flat = ", ".join(f"{clock(s.start)}-{clock(s.end)}" for s in voice.monotone) or "none"
    return Chart(chart_id, "pitch", "Pitch over the answer (semitones from your median)",
                 f"Pitch in semitones from the median ({median}): range "
                 f"{voice.pitch_range_semitones} st, variation {voice.pitch_variation_semitones}"
                 f" st; flat stretches: {flat}.", PITCH_HEIGHT, shapes)


def _runs(contour: list[float | None]) -> list[list[tuple[int, float]]]:
    """The contour's voiced cells in runs, a run ending at a gap of 2 cells or more."""
    runs: list[list[tuple[int, float]]] = []
    for i, v in enumerate(contour):
        if v is None:
            continue
        if runs and i - runs[-1][-1][0] <= BRIDGE_CELLS:
            runs[-1].append((i, v))
        else:
            runs.append([(i, v)])
    return runs
