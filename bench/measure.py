"""How the bench measures: child processes with their own rusage, the site server, profiles.

Every figure comes from a child process reaped with ``os.wait4``, which returns that child's
own resource usage: CPU seconds (user + system) and peak RSS. The bench process itself only
orchestrates, so nothing it does is counted against a tool.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUR_PY = Path(sys.executable)
SCRAPE = OUR_PY.with_name("scrape")
PEERS_PY = BENCH / ".venv-peers" / "bin" / "python"
PYSPY = BENCH / ".venv-peers" / "bin" / "py-spy"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def peers_python() -> Path | None:
    return PEERS_PY if PEERS_PY.exists() else None


def wget_path() -> str | None:
    return shutil.which("wget")


@dataclass(frozen=True)
class Run:
    """One finished child process: exit code, wall and CPU seconds, peak RSS, its output."""

    code: int
    wall: float
    cpu: float
    maxrss_mb: float
    stdout: str
    stderr: str

    def json(self) -> dict[str, object]:
        """The last stdout line, parsed (children report in JSON)."""
        line = self.stdout.strip().splitlines()[-1] if self.stdout.strip() else "{}"
        return dict(json.loads(line))


def run(
    cmd: Sequence[str | Path],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    ok: tuple[int, ...] = (0,),
) -> Run:
    """Run ``cmd`` to completion; its own CPU time and peak RSS come from ``wait4``."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{time.time_ns()}"
    with open(f"{out_path}.out", "w+b") as out, open(f"{out_path}.err", "w+b") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in cmd], cwd=cwd, env=env, stdout=out, stderr=err,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(
            code=proc.returncode,
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            maxrss_mb=usage.ru_maxrss / 1024,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    if result.code not in ok:
        tail = (result.stderr or result.stdout)[-2000:]
        raise RuntimeError(f"{' '.join(map(str, cmd))[:300]} exited {result.code}:\n{tail}")
    return result


class Server:
    """The bench site (``bench.server``) in a child process, with its counters and CPU time."""

    def __init__(self, proc: subprocess.Popen[str], base: str, info: dict[str, object]) -> None:
        self.proc = proc
        self.base = base
        self.info = info

    def stats(self) -> Counter[str]:
        with urllib.request.urlopen(self.base + "/__bench__/stats", timeout=30) as resp:
            return Counter(json.loads(resp.read()))

    def cpu(self) -> float:
        """CPU seconds the server has used so far (from /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


@contextmanager
def serve(articles: int, warm: Sequence[str] = (), cache_mb: int = 1024) -> Iterator[Server]:
    """Start ``bench.server`` for a site of ``articles`` articles; stop it on the way out."""
    cmd = [str(OUR_PY), "-m", "bench.server", "--articles", str(articles),
           "--cache-mb", str(cache_mb)]  # fmt: skip
    for slug in warm:
        cmd += ["--warm", slug]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().strip()
        info = json.loads(proc.stdout.readline())
        if not base.startswith("http"):
            raise RuntimeError("bench.server did not start")
        yield Server(proc, base, info)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


# ------------------------------------------------------------------------------ profiles


def profile(
    cmd: Sequence[str | Path],
    out: Path,
    cwd: Path | None = None,
    rate: int = 200,
    flags: Sequence[str] = (),
) -> Path:
    """Record ``cmd`` with py-spy (running threads, no line numbers) as collapsed stacks.

    ``flags``: ``--gil`` keeps only samples of the thread holding the GIL (Python CPU time);
    ``--threads --idle`` keeps every thread, waiting or not (where wall time goes)."""
    run([PYSPY, "record", "--nolineno", "-r", str(rate), "-f", "raw", *flags, "-o", out, "--",
         *cmd], cwd=cwd)  # fmt: skip
    return out


def _label(frame: str) -> str:
    """``parse_article (scraper/parse/article.py)`` from py-spy's ``name (path)``."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("/site-packages/", "/lib/python3."):
        if marker in where:
            where = where.split(marker, 1)[1]
            if marker == "/lib/python3.":
                where = "stdlib/" + where.split("/", 1)[-1]
            break
    else:
        if where.startswith(str(ROOT) + "/"):
            where = where[len(str(ROOT)) + 1 :]
    return f"{name} ({where})"


def summarize(
    raw: Path, top: int = 15, thread: str | None = None
) -> dict[str, list[tuple[str, float]]]:
    """Top functions by own time and by inclusive time, as shares of all samples (of one
    thread, by name, if ``thread`` is given and the profile was taken with ``--threads``)."""
    own: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        if thread is not None and not stack.split(";", 1)[0].endswith(": " + thread):
            continue
        n = int(count)
        frames = [_label(f) for f in stack.split(";") if f and not f.startswith("process ")]
        frames = [f for f in frames if not f.startswith("thread ")]
        if not frames:
            continue
        total += n
        own[frames[-1]] += n
        for f in set(frames):
            incl[f] += n
    if not total:
        return {"own": [], "inclusive": []}

    def share(c: Counter[str], keep: int) -> list[tuple[str, float]]:
        return [(k, round(v / total, 3)) for k, v in c.most_common(keep)]

    ours = Counter({k: v for k, v in incl.items() if "(scraper/" in k or "(archive/" in k})
    return {"own": share(own, top), "inclusive": share(ours, top), "samples": [("", total)]}


def format_profile(
    title: str, summary: dict[str, list[tuple[str, float]]], own: str = "where the CPU is"
) -> str:
    lines = [f"{title}: {summary.get('samples', [('', 0)])[0][1]} samples"]
    lines.append(f"  own time ({own}):")
    lines += [f"    {share:6.1%}  {name}" for name, share in summary["own"]]
    lines.append("  inclusive, our code (what the time is spent for):")
    lines += [f"    {share:6.1%}  {name}" for name, share in summary["inclusive"]]
    return "\n".join(lines)
