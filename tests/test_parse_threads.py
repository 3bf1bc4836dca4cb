"""The parser on the crawler's fetch threads: its process-wide selector registry is filled
while other threads read it, and no page may crash or come out different for it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scraper.parse import select

ROOT = Path(__file__).resolve().parent.parent

# A fresh interpreter, so that the registry starts empty and the first pages register their
# selectors while other threads parse: each page is parsed on 8 threads at once, started
# together, and every answer must equal the page's golden output.
_CHILD = r"""
import json, sys, threading
from pathlib import Path
from scraper.parse import parse_page

pages = sorted(Path(sys.argv[1]).glob("*.html"))
specs = [json.loads(p.with_name(p.stem + ".expected.json").read_text()) for p in pages]
wrong, start = [], threading.Barrier(8)

def work(n):
    start.wait()
    for k in range(len(pages)):
        page, spec = pages[(k + n) % len(pages)], specs[(k + n) % len(pages)]
        try:
            got = parse_page(page.read_bytes(), spec["input"]["url"],
                             listing_type=spec["input"].get("listing_type")).to_dict()
        except Exception as exc:
            wrong.append(f"{page.name}: {exc!r}")
            continue
        got.pop("capture", None)
        if got != spec["output"]:
            wrong.append(f"{page.name}: differs")

threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps(wrong))
"""


def test_pages_parsed_on_many_threads_from_a_cold_start() -> None:
    old = sys.getswitchinterval()
    out = subprocess.run(
        [sys.executable, "-c", "import sys; sys.setswitchinterval(1e-6)\n" + _CHILD,
         str(ROOT / "tests" / "fixtures" / "pages")],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    assert sys.getswitchinterval() == old
    assert json.loads(out.stdout) == []


def test_a_registration_during_a_page_pass_is_answered() -> None:
    """A selector compiled on another thread while a page's one pass over its attributes
    runs (here: from inside that pass) neither breaks the pass nor goes unanswered after it."""
    from scraper.parse.dom import Page

    html = b"<html><body><div class='lead-mid-pass' data-late='1'><p>Text.</p></div></body></html>"
    page = Page(html, "https://example.test/a")
    first = select.matcher("[class~=lead-mid-pass]")
    assert first is not None
    real, fired = select._bits, []

    def registering_bits(name: str, value: str | None) -> tuple[int, ...]:
        if not fired:
            fired.append(select.matcher("[data-late]"))  # a new attribute, mid-pass
        return real(name, value)

    select._bits = registering_bits  # type: ignore[assignment]
    try:
        assert page.index.select(first)  # the pass the registration lands in
    finally:
        select._bits = real  # type: ignore[assignment]
    late = fired[0]
    assert late is not None
    assert page.index.select(late) == page.index.select(first)  # built again, answered
