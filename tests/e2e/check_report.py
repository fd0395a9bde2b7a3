#!/usr/bin/env python3
"""End-to-end checks of the HTML report (--report FILE, DATAFLOW_REPORT, dataflow-report), in a
real browser.

Usage:
  check_report.py --wordcount PATH --report-tool PATH [--np N] [--mpirun MPIRUN] [--timeout S]
                  [--chromium PATH] [-v] [CASE ...]

--np 0 runs wordcount alone (local mode), N >= 1 under mpirun. The input of the runs that
make pages is named `<img src=x onerror=alert(1)>.txt`. Every page is checked the same way
(check_page): its bytes name no http: or https: resource; headless Chromium's --dump-dom of it,
parsed with html.parser, holds the summary, an <svg class="dag"> per job, exactly one
<rect class="task ..."> per DataflowTaskEnd of the log, a <tr class="stage-row"> per stage of
the jobs' "Stage Infos", the skew table, and no <img> (the file name shows as text); and
Chromium's --screenshot of it at 1280x2000 is not blank (python3-pil). Without Chromium or
PIL every case fails and says what to install. Cases:

  tool      wordcount --event-log DIR, then dataflow-report DIR/*.jsonl -o OUT.html: exit 0
            and the page checks.
  flag      wordcount --event-log DIR --report OUT.html, and DATAFLOW_REPORT=OUT instead of
            the flag: the page is written at the end and passes the checks.
  killed    wordcount --event-log DIR on a 48 MB input, SIGKILLed once the log holds a
            DataflowTaskEnd: DIR keeps APP-ID.jsonl.inprogress without a
            DataflowApplicationEnd; dataflow-report renders it (exit 0, the page checks, "still
            running or killed").
  errors    dataflow-report: a missing LOG is 66 with one line "dataflow-report: cannot read
            PATH: ..."; no -o is 64; an -o in a missing directory is 73; --help is 0 and names
            -o.

The last line printed is always "P passed, F failed".
"""
import argparse
import glob
import html.parser
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import check_wordcount as cw  # noqa: E402
import check_workloads as cwl  # noqa: E402

EVIL_NAME = "<img src=x onerror=alert(1)>.txt"
INSTALL_HINT = "apt-get install chromium-headless-shell fonts-dejavu-core python3-pil (see .ci/packages)"


def find_chromium(given):
    for c in [given, shutil.which("chromium-headless-shell"), "/usr/lib/chromium/chromium-headless-shell",
              "/usr/bin/chromium-headless-shell"]:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def write_words(path, size, rng):
    """About `size` bytes of text lines, many words per line: a block made once, repeated."""
    words = ["w%05d" % rng.randrange(50000) for _ in range(20000)]
    block = "".join(" ".join(words[i:i + 8]) + "\n" for i in range(0, len(words), 8)).encode()
    with open(path, "wb") as f:
        for _ in range(max(1, size // len(block))):
            f.write(block)
    return path


def log_events(paths):
    """The events of the logs (a cut or non-JSON line skipped, as the report skips it)."""
    events = []
    for p in paths:
        with open(p, "rb") as f:
            for line in f:
                try:
                    e = json.loads(line.decode("utf-8"))
                except ValueError:
                    continue
                if isinstance(e, dict) and "Event" in e:
                    events.append(e)
    return events


class Dom(html.parser.HTMLParser):
    """Counts of what the checks look for in Chromium's DOM, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tasks = self.dags = self.stage_rows = self.skew_tables = self.imgs = 0
        self.ids = set()
        self.script_srcs = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "rect" and "task" in classes:
            self.tasks += 1
        elif tag == "svg" and "dag" in classes:
            self.dags += 1
        elif tag == "tr" and "stage-row" in classes:
            self.stage_rows += 1
        elif tag == "table" and "skew" in classes:
            self.skew_tables += 1
        elif tag == "img":
            self.imgs += 1
        elif tag == "script" and a.get("src"):
            self.script_srcs.append(a["src"])

    def handle_data(self, data):
        self.text.append(data)


def run_chromium(ctx, args, timeout=90):
    cmd = [ctx.chromium, "--no-sandbox", "--disable-gpu", "--headless", "--hide-scrollbars",
           "--user-data-dir=" + os.path.join(ctx.tmp, "chromium-profile")] + args
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, cwd=ctx.tmp)


def check_screenshot(ctx, url, fails):
    png = os.path.join(ctx.tmp, "report.png")
    p = run_chromium(ctx, ["--screenshot=" + png, "--window-size=1280,2000", url])
    if p.returncode != 0 or not os.path.exists(png):
        fails.append("chromium --screenshot: exit %d, no %s: %s" % (p.returncode, png, cw.short(p.stderr, 300)))
        return
    from PIL import Image  # checked in main
    with Image.open(png) as im:
        rgb = im.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20)
        extrema = rgb.getextrema()
    if (colours is not None and len(colours) < 8) or all(lo == hi for lo, hi in extrema):
        fails.append("the screenshot is blank: %s colours, extrema %r" % (len(colours or []), extrema))
    keep = os.environ.get("DATAFLOW_REPORT_SCREENSHOT_DIR")  # CI keeps it as an artifact
    if keep:
        shutil.copy(png, os.path.join(keep, "report-np%d-%s.png" % (ctx.np, ctx.case)))


def check_page(ctx, page, logs, fails, killed=False, evil=True):
    """The checks of the module docstring on the page at `page`, made from `logs`."""
    if not os.path.exists(page):
        fails.append("no page written at %s" % page)
        return
    with open(page, "rb") as f:
        raw = f.read()
    for scheme in (b"http:", b"https:"):
        if scheme in raw.lower():
            at = raw.lower().index(scheme)
            fails.append("the page names a %s resource: %r" % (scheme.decode(), raw[max(0, at - 60):at + 60]))
    events = log_events(logs)
    task_ends = sum(1 for e in events if e["Event"] == "DataflowTaskEnd")
    jobs = [e for e in events if e["Event"] == "DataflowJobStart"]
    stages = sum(len(e.get("Stage Infos", [])) for e in jobs)
    url = "file://" + os.path.abspath(page)
    p = run_chromium(ctx, ["--dump-dom", url])
    if p.returncode != 0 or b"</html>" not in p.stdout:
        fails.append("chromium --dump-dom: exit %d: %s" % (p.returncode, cw.short(p.stderr, 300)))
        return
    dom = Dom()
    dom.feed(p.stdout.decode("utf-8", "replace"))
    text = "".join(dom.text)
    expect = [("rect.task", dom.tasks, task_ends), ("svg.dag", dom.dags, len(jobs)),
              ("tr.stage-row", dom.stage_rows, stages), ("table.skew", dom.skew_tables, 1), ("img", dom.imgs, 0)]
    for what, got, want in expect:
        if got != want:
            fails.append("the DOM has %d %s, expected %d" % (got, what, want))
    if task_ends == 0:
        fails.append("the log has no DataflowTaskEnd")
    for section in ("summary", "timeline", "stages", "skew", "ranks", "plans"):
        if section not in dom.ids:
            fails.append("no element with id %r" % section)
    if dom.script_srcs:
        fails.append("scripts loaded from %r" % dom.script_srcs)
    if evil and EVIL_NAME not in text:
        fails.append("the file name %r is not shown as text" % EVIL_NAME)
    if killed and "still running or killed" not in text:
        fails.append("the page of a killed run does not say \"still running or killed\"")
    check_screenshot(ctx, url, fails)


def wordcount_logged(ctx, extra=(), env=None):
    """Runs wordcount on the evil-named input with --event-log DIR; returns (res, logs, fails)."""
    d = os.path.join(ctx.tmp, "events")
    os.mkdir(d)
    path = write_words(os.path.join(ctx.tmp, EVIL_NAME), 300 * 1024, random.Random(5))
    res = ctx.wordcount.run(["--event-log", d, "--split-size", "64K"] + list(extra) + [path], cwd=ctx.tmp, env=env)
    fails = cw.expect_exit(res, 0)
    return res, sorted(glob.glob(os.path.join(d, "*.jsonl"))), fails


def report_tool(ctx, args):
    t0 = time.time()
    p = subprocess.run([ctx.tool] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, cwd=ctx.tmp)
    if ctx.verbose:
        print("    ran (%.2fs, rc=%d): %s" % (time.time() - t0, p.returncode, " ".join([ctx.tool] + args)))
    return p


def tool(ctx):
    res, logs, fails = wordcount_logged(ctx)
    if len(logs) != 1:
        return res, fails + ["expected one APP-ID.jsonl, found %r" % logs]
    page = os.path.join(ctx.tmp, "tool.html")
    p = report_tool(ctx, logs + ["-o", page])
    if p.returncode != 0:
        return res, fails + ["dataflow-report exit %d: %s" % (p.returncode, cw.short(p.stderr, 300))]
    check_page(ctx, page, logs, fails)
    return res, fails


def flag(ctx):
    page = os.path.join(ctx.tmp, "flag.html")
    res, logs, fails = wordcount_logged(ctx, ["--report", page])
    if not fails:
        check_page(ctx, page, logs, fails)
    env_page = os.path.join(ctx.tmp, "env.html")
    shutil.rmtree(os.path.join(ctx.tmp, "events"))
    res2, logs2, fails2 = wordcount_logged(ctx, env={"DATAFLOW_REPORT": env_page})
    if not fails2:
        check_page(ctx, env_page, logs2, fails2)
    return res if fails or not fails2 else res2, fails + ["DATAFLOW_REPORT: " + f for f in fails2]


def killed(ctx):
    d = os.path.join(ctx.tmp, "events")
    os.mkdir(d)
    path = write_words(os.path.join(ctx.tmp, "big.txt"), 48 << 20, random.Random(9))

    def a_task_ended():
        for p in glob.glob(os.path.join(d, "*.inprogress")):
            with open(p, "rb") as f:
                if b'"DataflowTaskEnd"' in f.read():
                    return True
        return False

    res = ctx.wordcount.run(["--event-log", d, "--split-size", "256K", path], cwd=ctx.tmp,
                            signal_after=(signal.SIGKILL, 0, a_task_ended, True))
    # The kill itself is what mpirun and the runner report; anything else is a failure.
    fails = [p for p in res.problems if "signal" not in p and "still running" not in p]
    logs = sorted(glob.glob(os.path.join(d, "*.jsonl.inprogress")))
    if len(logs) != 1 or glob.glob(os.path.join(d, "*.jsonl")):
        return res, fails + ["after SIGKILL %s holds %r, expected one .inprogress log" % (d, os.listdir(d))]
    if any(e["Event"] == "DataflowApplicationEnd" for e in log_events(logs)):
        return res, fails + ["the run ended before the kill (make the input bigger)"]
    page = os.path.join(ctx.tmp, "killed.html")
    p = report_tool(ctx, logs + ["-o", page])
    if p.returncode != 0:
        return res, fails + ["dataflow-report exit %d: %s" % (p.returncode, cw.short(p.stderr, 300))]
    check_page(ctx, page, logs, fails, killed=True, evil=False)
    return res, fails


def errors(ctx):
    fails = []
    missing = os.path.join(ctx.tmp, "no-such.jsonl")
    log = os.path.join(ctx.tmp, "ok.jsonl")
    with open(log, "w") as f:
        f.write('{"Event":"DataflowLogStart","Format Version":1}\n')
    cases = [([missing, "-o", os.path.join(ctx.tmp, "a.html")], 66, "dataflow-report: cannot read %s: " % missing),
             ([log], 64, "dataflow-report: error:"),
             ([log, "-o", os.path.join(ctx.tmp, "no", "dir", "b.html")], 73, "dataflow-report: cannot write "),
             (["--help"], 0, None)]
    for args, code, line in cases:
        p = report_tool(ctx, args)
        err = p.stderr.decode("utf-8", "replace")
        if p.returncode != code:
            fails.append("dataflow-report %s: exit %d, expected %d (%s)" % (" ".join(args), p.returncode, code, err))
        elif line and sum(1 for l in err.splitlines() if l.startswith(line)) != 1:
            fails.append("dataflow-report %s: stderr %r lacks one line starting %r" % (" ".join(args), err, line))
        elif code == 0 and b"-o" not in p.stdout:
            fails.append("--help does not name -o: %r" % p.stdout[:300])
    if os.path.exists(os.path.join(ctx.tmp, "a.html")):
        fails.append("a page was written although the log could not be read")
    return None, fails


CASES = [("tool", tool), ("flag", flag), ("killed", killed), ("errors", errors)]


class Ctx:
    def __init__(self, a, wordcount, chromium, tmp):
        self.wordcount, self.tool, self.chromium, self.tmp = wordcount, os.path.abspath(a.report_tool), chromium, tmp
        self.np, self.verbose, self.case = a.np, a.verbose, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wordcount", required=True)
    ap.add_argument("--report-tool", required=True, help="the dataflow-report program")
    ap.add_argument("--chromium", help="chromium-headless-shell (default: found on PATH or in /usr/lib/chromium)")
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    chromium = find_chromium(a.chromium)
    missing = []
    if not chromium:
        missing.append("no chromium-headless-shell found (PATH, /usr/lib/chromium)")
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        missing.append("no PIL in %s" % sys.executable)
    if missing:
        for name, _ in CASES:
            if not a.cases or name in a.cases:
                print("FAIL %s (np %d)\n    %s: %s" % (name, a.np, "; ".join(missing), INSTALL_HINT))
        print("0 passed, %d failed" % len([c for c in CASES if not a.cases or c[0] in a.cases]))
        return 1
    wc = cw.Runner(a.wordcount, a.np, a.mpirun, a.timeout, a.verbose)

    def make_ctx(tmp):
        return Ctx(a, wc, chromium, tmp)

    cases = [(name, (lambda fn, name: lambda ctx: (setattr(ctx, "case", name), fn(ctx))[1])(fn, name))
             for name, fn in CASES]
    return cwl.run_cases(cases, a.cases, a.np, "dataflow-report-", make_ctx)


if __name__ == "__main__":
    sys.exit(main())
