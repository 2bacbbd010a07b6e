"""The notebook HTML in a real browser (headless Chromium), in light and dark themes.

For each theme the page is rendered twice: once with ``--dump-dom`` and a probe script that reads the
computed styles (text/background contrast of every element that shows text, whether any highlight is
clipped by a scrolling box), and once as a screenshot whose pixels are counted (each highlight colour
is painted, the last highlight at the end of a long article is on screen, the dark page is dark).

Themes: ``save_html``'s standalone page with the system colour scheme light and dark
(``--force-dark-mode``), and the bare notebook fragment inside a dark container the way JupyterLab's
dark theme shows outputs (light text inherited on a dark background).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from tests.support.browser import chromium, dump_dom, screenshot

from newsextract import Evidence, ExecutiveChange, Extraction, Meta, Money, ShareSale, StockMove
from newsextract.display import COLORS, INK, OVERLAP_COLOR

NO_BROWSER = "Chromium is not installed: `make test` installs it (`make browser`: apt-get install chromium)"
# skipped on a developer's machine without Chromium; under CI (CI=true) a missing browser is a failure
pytestmark = pytest.mark.skipif(chromium() is None and not os.environ.get("CI"), reason=NO_BROWSER)

FILLER = "Markets were quiet in the morning session as traders waited for the data. " * 3
SALE = "Jack Ma plans to sell 10 million shares, worth about $871 million."
CHANGE = "Alibaba named Wu Zeming chief technology officer."
ENDING = "Alpha Corp shares rose 5% and Beta Ltd shares fell 3% on Friday."
OVERLAP = "Beta Ltd shares fell 3% on Friday."
TEXT = "\n\n".join([SALE, CHANGE, *[FILLER] * 40, ENDING])

PROBE = """
<script>
(() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  const contrast = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0)) return c;
    }
    return [255, 255, 255];
  };
  const report = {texts: [], marks: []};
  const root = document.querySelector('.newsextract-extraction');
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const cs = getComputedStyle(el);
    report.texts.push({tag: el.tagName, text: el.textContent.trim().slice(0, 40),
                       contrast: contrast(rgb(cs.color), background(el))});
  }
  for (const m of root.querySelectorAll('mark')) {
    let clipped = false;
    for (let a = m.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowY !== 'visible' && a.scrollHeight > a.clientHeight + 1) clipped = true;
    }
    const r = m.getBoundingClientRect();
    report.marks.push({title: m.title, clipped, top: r.top + window.scrollY,
                       width: r.width, height: r.height});
  }
  const pre = document.createElement('pre');
  pre.id = 'probe-report';
  pre.textContent = JSON.stringify(report);
  document.body.appendChild(pre);
})();
</script>
"""


def ev(quote: str) -> Evidence:
    start = TEXT.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote))


def sample() -> Extraction:
    events: list[Any] = [
        ShareSale(
            evidence=ev(SALE),
            seller="Jack Ma",
            company="Alibaba",
            shares=10_000_000,
            value=Money(amount=871_000_000, currency="USD", qualifier="about"),
            status="planned",
        ),
        ExecutiveChange(
            evidence=ev(CHANGE), company="Alibaba", person="Wu Zeming", role="CTO", change="appointed"
        ),
        StockMove(evidence=ev(ENDING), company="Alpha Corp", direction="up", change_pct=5.0),
        StockMove(evidence=ev(OVERLAP), company="Beta Ltd", direction="down", change_pct=3.0),
    ]
    meta = Meta(model="m", endpoint="embedded", warnings=["cache off: read-only disk"])
    return Extraction.from_events(events, meta, id="a1").with_text(TEXT)


def hex_rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def themed_pages(tmp_path: Path) -> list[tuple[str, Path, bool]]:
    """(name, page, dark system colour scheme) for each theme checked."""
    result = sample()
    page = result.save_html(tmp_path / "page.html")
    jupyter_dark = tmp_path / "jupyter-dark.html"
    jupyter_dark.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        '<body style="margin:0;background:#111111;color:#d4d4d4">'
        f'<div style="padding:16px">{result._repr_html_()}</div></body></html>',
        encoding="utf-8",
    )
    return [("light", page, False), ("dark", page, True), ("jupyter-dark", jupyter_dark, False)]


def with_probe(page: Path) -> Path:
    probed = page.with_name(page.stem + "-probe.html")
    probed.write_text(
        page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    return probed


def probe(page: Path, dark: bool) -> dict[str, Any]:
    dom = dump_dom(with_probe(page), dark=dark)
    found = re.search(r'<pre id="probe-report">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    report: dict[str, Any] = json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<"))
    return report


@pytest.mark.timeout(600)
def test_highlights_are_readable_and_reachable_in_light_and_dark(tmp_path: Path) -> None:
    from PIL import Image

    for name, page, dark in themed_pages(tmp_path):
        report = probe(page, dark)
        # every piece of text reads against what is behind it (WCAG AA: 4.5), in every theme
        weak = [t for t in report["texts"] if t["contrast"] < 4.5]
        assert not weak, (name, weak)
        assert any(t["tag"] == "MARK" for t in report["texts"])
        # every highlight is laid out and none sits in a box that scrolls or clips it
        marks = report["marks"]
        assert len(marks) == 4, (name, marks)  # sale, change, "Alpha Corp ... and ", the overlap
        assert all(m["width"] > 0 and m["height"] > 0 and not m["clipped"] for m in marks), (name, marks)
        overlap = [m for m in marks if "; " in m["title"]]
        assert len(overlap) == 1 and overlap[0]["title"] == "[3] StockMove; [4] StockMove"

        png = screenshot(page, tmp_path / f"{name}.png", height=4000, dark=dark)
        image = Image.open(png).convert("RGB")
        width, height = image.size
        pixels = image.load()
        assert pixels is not None
        counts: dict[tuple[int, int, int], int] = {}
        lowest: dict[tuple[int, int, int], int] = {}
        wanted = {hex_rgb(c) for c in [*COLORS.values(), OVERLAP_COLOR]}
        for y in range(0, height, 2):
            for x in range(0, width, 2):
                p = pixels[x, y]
                if p in wanted:
                    counts[p] = counts.get(p, 0) + 1
                    lowest[p] = max(lowest.get(p, 0), y)
        # each event type's colour and the overlap colour are painted (legend and highlights)
        assert wanted <= set(counts), (name, counts)
        # the overlap at the end of a long article is on screen, far below where a 28em box would end
        overlap_y = lowest[hex_rgb(OVERLAP_COLOR)]
        assert overlap_y > 1500 and abs(overlap_y - overlap[0]["top"]) < 60, (name, overlap_y, overlap[0])
        # the dark themes really are dark, and the light one light (the page background dominates)
        corner = pixels[width - 5, 5]
        assert (sum(corner) < 150) == (name != "light"), (name, corner)
        # the text on highlights is drawn in the dark ink colour in every theme: sample the rows of
        # the sale's highlight and find near-ink glyph pixels between its yellow pixels
        sale = hex_rgb(COLORS["ShareSale"])
        rows = [y for y in range(height) if sum(pixels[x, y] == sale for x in range(0, width, 3)) > 20]
        glyphs = 0
        for y in rows:
            xs = [x for x in range(width) if pixels[x, y] == sale]
            glyphs += sum(max(pixels[x, y]) < 90 for x in range(xs[0], xs[-1]))
        assert glyphs > 50, (name, glyphs)
        assert max(hex_rgb(INK)) < 90
