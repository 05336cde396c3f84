"""Runs every measurement of bench/run.sh and writes RESULTS.md and
linearity.svg. run.sh builds and installs first, then runs this with the
venv's python (the one with the Labelbox SDK) and passes the paths.

Every figure is a ratio of two timings taken in this one run on the same
bytes, so it says more than the MB/s (which depend on the machine). The
machine is shared, so each timing is the best of several runs; process
timings are wall clock, and peak RSS is the child's own (wait4 rusage).
"""

import argparse
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 42
MB = 1e6

# Sizes per mode. Full: the targets. Smoke: the same steps on tiny
# inputs, to prove the script works (make test runs it).
MODES = {
    "full": {
        "throughput_rows": 200_000,
        "sizes": [1_000, 10_000, 100_000, 1_000_000, 10_000_000],
        "memory_sizes": [1_000_000, 10_000_000],
        "node_rows": 1_000_000,
        "existing_keys": 10_000_000,
        "js_runs": 5,
        "sdk_runs": 2,
        "runs": lambda rows: 5 if rows <= 100_000 else 3 if rows <= 1_000_000 else 2,
    },
    "smoke": {
        "throughput_rows": 2_000,
        "sizes": [1_000, 3_000, 10_000],
        "memory_sizes": [3_000, 10_000],
        "node_rows": 10_000,
        "existing_keys": 10_000,
        "js_runs": 2,
        "sdk_runs": 1,
        "runs": lambda rows: 2,
    },
}
# Peak RSS limits of `check` and `split`, by rows, in MB.
RSS_LIMIT_MB = {1_000_000: 300, 10_000_000: 600}
# The targets: wasm `check()` against `JSON.parse` in one Node process, the
# native CLI on one thread against a Node process that reads and parses the
# same file, the two wasm builds gzipped (KiB), and `--existing-keys` with
# 10M keys on a 2-row manifest: (seconds, MB) for each CLI.
WASM_VS_PARSE = 1.5
NATIVE_VS_NODE = 3.0
WASM_BUDGET_KIB = {"rowcheck_bg.wasm": 250, "rowcheck_full_bg.wasm": 1024}
EXISTING_KEYS_LIMIT = {"native": (2.0, 400), "node": (6.0, 600)}
LINEAR_EXPONENT = (0.9, 1.1)


class Failed(Exception):
    """A measurement that cannot be trusted: the run stops with the reason."""


def executables(messages):
    """Target name -> executable, from cargo's JSON build messages."""
    found = {}
    for line in messages.read_text().splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("reason") == "compiler-artifact" and message.get("executable"):
            found[message["target"]["name"]] = message["executable"]
    missing = {"rowcheck", "gen", "throughput"} - set(found)
    if missing:
        sys.exit(f"bench: {messages} names no executable for {', '.join(sorted(missing))}; build them with bench/run.sh")
    return found


def binary_label(path):
    relative = os.path.relpath(path, ROOT)
    if f"{os.sep}release{os.sep}" in path:
        return f"`{relative}` (release profile: lto, codegen-units=1)"
    return f"`{relative}` (dev profile, opt-level 1: the smoke run checks the script, not the speed)"


def wasm_label():
    wasm = ROOT / "pkg/wasm/rowcheck_bg.wasm"
    built = datetime.fromtimestamp(wasm.stat().st_mtime, timezone.utc)
    return f"{wasm.stat().st_size / 1024:,.0f} KiB, `wasm` profile + wasm-opt -O3, built {built:%Y-%m-%d %H:%M} UTC"


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def text_of(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text()
    cpu = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    mem = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
    os_name = re.search(r'PRETTY_NAME="(.*)"', Path("/etc/os-release").read_text()) if Path("/etc/os-release").exists() else None
    commit = text_of(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"])
    dirty = text_of(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"])
    return {
        "cpu": cpu.group(1).strip() if cpu else platform.processor() or "unknown CPU",
        "cores": os.cpu_count(),
        "memory_gib": int(mem.group(1)) / 2**20 if mem else 0,
        "os": os_name.group(1) if os_name else platform.platform(),
        "kernel": platform.release(),
        "rustc": text_of(["rustc", "--version"]),
        "node": text_of(["node", "--version"]),
        "python": f"Python {platform.python_version()}",
        "commit": commit + (" with uncommitted changes to src/" if dirty not in ("", "unknown") else ""),
        "load": os.getloadavg(),
    }


def generate(args, rows, fmt, path):
    planted = Path(f"{path}.planted.json")
    subprocess.run(
        [args.gen, "--rows", str(rows), "--format", fmt, "--seed", str(SEED), "--out", str(path), "--planted", str(planted)],
        check=True,
    )
    return planted, len(json.loads(planted.read_text()))


def json_of(cmd):
    """What a helper (bench/js, bench/labelbox, throughput.rs) prints: one JSON object."""
    return json.loads(subprocess.run(list(map(str, cmd)), check=True, stdout=subprocess.PIPE, text=True).stdout)


def measure(cmd, tmp, expect=1):
    """Wall time (s), CPU time (s, user + system), peak RSS (MB) and standard
    output of one run of cmd, which must exit with `expect` (1 by default:
    the planted rows are errors)."""
    out_path, err_path = tmp / "stdout.txt", tmp / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != expect:
        raise Failed(f"{' '.join(map(str, cmd))} exited with {child.returncode}, expected {expect}:\n{err_path.read_text()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024 / MB, out_path


# "N rows (...), N valid; N errors, N warnings; N chunks", then the infos'
# counts when there are any; nouns agree with their numbers.
SUMMARY = re.compile(rb"^(\d+) rows?\b.*?(\d+) valid; (\d+) errors?, \d+ warnings?; \d+ chunks?(?:; infos: .*)?\s*$")


def verified(out_path, rows, planted, what):
    """Checks a text report's summary line against the generator's counts."""
    with open(out_path, "rb") as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - 4096))
        last = f.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
    match = SUMMARY.match(last)
    if not match:
        raise Failed(f"{what}: no summary line at the end of the report: {last[:200]!r}")
    if tuple(map(int, match.groups())) != (rows, rows - planted, planted):
        raise Failed(f"{what}: the report says {last.decode()!r}, but the corpus has {rows} rows and {planted} planted errors")


def best_of(runs, cmd, tmp, check_output, fresh_dir=None, expect=1):
    """Best wall and CPU times and the largest peak RSS over `runs` runs, as
    {"s", "cpu_s", "rss"}. `fresh_dir` is removed before each run (split
    refuses a non-empty output directory)."""
    best = {"s": math.inf, "cpu_s": math.inf, "rss": 0.0}
    for _ in range(runs):
        if fresh_dir:
            shutil.rmtree(fresh_dir, ignore_errors=True)
        wall, cpu, rss, out = measure(cmd, tmp, expect)
        check_output(out)
        best = {"s": min(best["s"], wall), "cpu_s": min(best["cpu_s"], cpu), "rss": max(best["rss"], rss)}
    return best


def record(point, name, figures):
    point.update({f"{name}_{key}": value for key, value in figures.items()})


def throughput(args, mode, tmp):
    rows = mode["throughput_rows"]
    corpus = tmp / f"throughput-{rows}.json"
    planted_path, planted = generate(args, rows, "json", corpus)
    size = corpus.stat().st_size
    log(f"throughput: {rows} rows, {size / MB:.1f} MB: serde reference")
    serde = json_of([args.throughput, "--json", "--runs", mode["js_runs"], corpus])
    log("throughput: JSON.parse, wasm, ajv reference, native CLI (one Node process)")
    js = json_of(["node", "--expose-gc", ROOT / "bench/js/throughput.mjs", "--corpus", corpus, "--planted", planted_path, "--native", args.rowcheck, "--runs", mode["js_runs"]])
    log("throughput: whole processes, the native CLI on one thread against Node reading and parsing the file")
    processes = whole_processes(args, mode, tmp, corpus, expect=1)
    log("throughput: native check and split, for the SDK comparison")
    check = lambda out: verified(out, rows, planted, "rowcheck check")
    cli_check = best_of(mode["js_runs"], [args.rowcheck, "check", str(corpus)], tmp, check)["s"]
    cli_split = best_of(mode["js_runs"], [args.rowcheck, "split", str(corpus), "--out", str(tmp / "split")], tmp, check, tmp / "split")["s"]
    shutil.rmtree(tmp / "split")
    log(f"Labelbox SDK: create_data_rows offline on the same {rows} rows")
    sdk = json_of([sys.executable, ROOT / "bench/labelbox/sdk_prepare.py", "--corpus", corpus, "--planted", planted_path, "--runs", mode["sdk_runs"]])
    corpus.unlink()
    return {"rows": rows, "bytes": size, "planted": planted, "serde": serde, "js": js, "processes": processes, "cli_check_s": cli_check, "cli_split_s": cli_split, "sdk": sdk}


# A Node process that does what a JavaScript user's script would before any
# check: read the file and parse it.
NODE_READ_PARSE = 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))'


def whole_processes(args, mode, tmp, corpus, expect):
    """Best wall time of `rowcheck check --threads 1` and of a Node process
    reading and parsing the same file, measured in alternation."""
    best = {"node_read_parse_s": math.inf, "native_one_thread_s": math.inf}
    for _ in range(mode["js_runs"]):
        best["node_read_parse_s"] = min(best["node_read_parse_s"], measure(["node", "-e", NODE_READ_PARSE, str(corpus)], tmp, expect=0)[0])
        best["native_one_thread_s"] = min(best["native_one_thread_s"], measure([args.rowcheck, "check", "--threads", "1", "--format", "json", str(corpus)], tmp, expect)[0])
    return best


def realworld(args, mode, tmp):
    """The real-world corpus's rows repeated to the throughput size: wasm
    `check()` against `JSON.parse`, and the whole-process comparison."""
    rows = mode["throughput_rows"]
    corpus = tmp / f"realworld-{rows}.json"
    subprocess.run([sys.executable, ROOT / "bench/realworld_repeat.py", "--rows", str(rows), "--out", corpus], check=True, stdout=subprocess.DEVNULL)
    log(f"real-world rows repeated to {rows}, {corpus.stat().st_size / MB:.1f} MB: JSON.parse and wasm (one Node process)")
    js = json_of(["node", "--expose-gc", ROOT / "bench/js/throughput.mjs", "--corpus", corpus, "--runs", mode["js_runs"]])
    log("real-world rows: whole processes")
    # Keys the corpus repeats across its files are duplicates here too, so
    # the check may find errors (exit 1); anything else is a failure.
    status = subprocess.run([args.rowcheck, "check", str(corpus)], stdout=subprocess.DEVNULL).returncode
    if status not in (0, 1):
        raise Failed(f"rowcheck check on the real-world rows exited with {status}")
    processes = whole_processes(args, mode, tmp, corpus, expect=status)
    result = {"rows": rows, "bytes": corpus.stat().st_size, "js": js, "processes": processes}
    corpus.unlink()
    return result


# Gzipped as the package test measures the budget: Node's zlib at its
# default level (Python's zlib build gives other sizes, up to 3% smaller).
NODE_GZIP = 'const b = require("fs").readFileSync(process.argv[1]); console.log(b.length, require("zlib").gzipSync(b).length)'


def wasm_sizes():
    """Each wasm build of the package, raw and gzipped, in KiB."""
    sizes = {}
    for name in WASM_BUDGET_KIB:
        raw, gz = map(int, text_of(["node", "-e", NODE_GZIP, str(ROOT / "pkg/wasm" / name)]).split())
        sizes[name] = (raw / 1024, gz / 1024)
    return sizes


def scaling(args, mode, tmp):
    """Linearity (check at every size) and memory (check and split, native and Node)."""
    points = []
    for rows in mode["sizes"]:
        corpus = tmp / f"scale-{rows}.ndjson"
        log(f"scaling: generating {rows} rows (NDJSON)")
        _, planted = generate(args, rows, "ndjson", corpus)
        point = {"rows": rows, "bytes": corpus.stat().st_size, "runs": mode["runs"](rows)}
        check = lambda out: verified(out, rows, planted, f"rowcheck check on {rows} rows")
        log(f"scaling: check, best of {point['runs']}")
        record(point, "check", best_of(point["runs"], [args.rowcheck, "check", str(corpus)], tmp, check))
        if rows in mode["memory_sizes"]:
            log("scaling: split")
            record(point, "split", best_of(1, [args.rowcheck, "split", str(corpus), "--out", str(tmp / "split")], tmp, check, tmp / "split"))
        if rows == mode["node_rows"]:
            log("scaling: the Node CLI, check and split")
            node = ["node", str(ROOT / "pkg/bin/rowcheck.js")]
            record(point, "node_check", best_of(1, [*node, "check", str(corpus)], tmp, check))
            record(point, "node_split", best_of(1, [*node, "split", str(corpus), "--out", str(tmp / "split")], tmp, check, tmp / "split"))
        shutil.rmtree(tmp / "split", ignore_errors=True)
        corpus.unlink()
        points.append(point)
    return points


def existing_keys(args, mode, tmp):
    """`check --existing-keys` with an organization's key list (bench/gen_keys.py) on a 2-row manifest,
    native and the npm CLI: {"keys", "bytes", "native_s", "native_rss", "node_s", "node_rss"}."""
    keys, manifest = tmp / "existing-keys.txt", tmp / "existing-keys-manifest.ndjson"
    n = mode["existing_keys"]
    log(f"existing keys: generating {n} keys")
    subprocess.run([sys.executable, ROOT / "bench/gen_keys.py", "--keys", str(n), "--out", keys, "--manifest", manifest], check=True)
    point = {"keys": n, "bytes": keys.stat().st_size}
    # The manifest's one listed key is its one error.
    check = lambda out: verified(out, 2, 1, f"rowcheck check --existing-keys with {n} keys")
    for name, cmd in (("native", [args.rowcheck]), ("node", ["node", str(ROOT / "pkg/bin/rowcheck.js")])):
        log(f"existing keys: {name} check, best of 2")
        record(point, name, best_of(2, [*cmd, "check", str(manifest), "--existing-keys", str(keys)], tmp, check))
    keys.unlink()
    manifest.unlink()
    return point


def affine_fit(points, key):
    """time = fixed + per_row * rows for p[key], least squares on relative
    error (the sizes span four decades), and the log-log slope between the
    two largest sizes."""
    x = [p["rows"] for p in points]
    y = [p[key] for p in points]
    w = [1 / yi**2 for yi in y]
    sw = sum(w)
    sx = sum(wi * xi for wi, xi in zip(w, x))
    sy = sum(wi * yi for wi, yi in zip(w, y))
    sxx = sum(wi * xi * xi for wi, xi in zip(w, x))
    sxy = sum(wi * xi * yi for wi, xi, yi in zip(w, x, y))
    per_row = (sw * sxy - sx * sy) / (sw * sxx - sx * sx)
    fixed = (sy - per_row * sx) / sw
    worst = max(abs(fixed + per_row * xi - yi) / yi for xi, yi in zip(x, y))
    exponent = math.log(y[-1] / y[-2]) / math.log(x[-1] / x[-2])
    return {"fixed_s": fixed, "per_row_ns": per_row * 1e9, "worst_residual": worst, "exponent": exponent}


# (key, label, colour, filled) of the plotted series.
SERIES = [("check_s", "wall time", "#d62728", True), ("check_cpu_s", "CPU time (user + system)", "#1f77b4", False)]


def svg(points, fits, title):
    """A log-log plot of check's wall and CPU time against rows, each with its fitted line."""
    width, height, left, right, top, bottom = 760, 480, 80, 30, 50, 60
    xs = [p["rows"] for p in points]
    ys = [p[key] for p in points for key, *_ in SERIES]
    # Margins, in decades, keep the end points and their labels inside the frame.
    x_lo, x_hi = math.log10(min(xs)) - 0.2, math.log10(max(xs)) + 0.45
    y_lo, y_hi = math.log10(min(ys)) - 0.3, math.log10(max(ys)) + 0.5
    px = lambda v: left + (math.log10(v) - x_lo) / (x_hi - x_lo) * (width - left - right)
    py = lambda v: height - bottom - (math.log10(v) - y_lo) / (y_hi - y_lo) * (height - top - bottom)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="24" text-anchor="middle" font-size="15">{title}</text>',
    ]
    for e in range(math.ceil(x_lo), math.floor(x_hi) + 1):
        x = px(10**e)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle">{10**e:,}</text>')
    for e in range(math.ceil(y_lo), math.floor(y_hi) + 1):
        y = py(10**e)
        label = f"{10**e:g} s" if e >= 0 else f"{10**e * 1e3:g} ms"
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" fill="none" stroke="rgb(68,68,68)"/>')
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 16}" text-anchor="middle">rows (log)</text>')
    out.append(f'<text x="18" y="{(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 {(top + height - bottom) / 2})">rowcheck check (log)</text>')
    for n, (key, label, colour, filled) in enumerate(SERIES):
        fit = fits[key]
        curve = []
        for i in range(101):
            rows = 10 ** (math.log10(min(xs)) + i / 100 * (math.log10(max(xs)) - math.log10(min(xs))))
            t = fit["fixed_s"] + fit["per_row_ns"] * 1e-9 * rows
            if t > 0:
                curve.append(f"{px(rows):.1f},{py(t):.1f}")
        out.append(f'<polyline points="{" ".join(curve)}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        for p in points:
            x, y = px(p["rows"]), py(p[key])
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour if filled else "white"}" stroke="{colour}" stroke-width="2"/>')
            # Wall time labels above the points, CPU time below, so they never collide.
            out.append(f'<text x="{x + 8:.1f}" y="{y + (-8 if n == 0 else 16):.1f}" fill="{colour}">{p[key] / p["rows"] * 1e9:,.0f} ns/row</text>')
        legend = f"{label}: {fit['fixed_s'] * 1e3:.1f} ms + {fit['per_row_ns']:,.0f} ns × rows; log-log slope between the two largest {fit['exponent']:.3f}"
        out.append(f'<text x="{left + 10}" y="{top + 20 + 18 * n}" fill="{colour}">{legend}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def status(ok):
    return "met" if ok else "**short**"


def fmt_rows(n):
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def results_md(args, host, t, real, keys, sizes, points, fits, took_s):
    js, sdk, serde = t["js"], t["sdk"], t["serde"]
    ms = js["ms"]
    mbs = lambda seconds, size: size / MB / seconds
    wasm_vs_parse = ms["json_parse"] / ms["wasm_check"]
    real_wasm_vs_parse = real["js"]["ms"]["json_parse"] / real["js"]["ms"]["wasm_check"]
    native_vs_node = lambda run: run["processes"]["node_read_parse_s"] / run["processes"]["native_one_thread_s"]
    ajv_vs_wasm = ms["ajv_reference"] / ms["wasm_check"]
    ajv_vs_cli = ms["ajv_reference"] / ms["native_cli"]
    sdk_total = (sdk["ms"]["parse_ms"] + sdk["ms"]["create_data_rows_ms"]) / 1e3
    agree = js["agreement"]
    by_rows = {p["rows"]: p for p in points}
    memory = [p for p in points if "split_rss" in p]
    lo, hi = memory[0], memory[-1]
    growth = {k: (hi[k] - lo[k]) / ((hi["rows"] - lo["rows"]) / 1e6) for k in ("check_rss", "split_rss")}
    node = by_rows[args.mode_config["node_rows"]]
    corpora = (("generated", t), ("real-world", real))

    targets = []
    for name, (raw, gz) in sizes.items():
        budget = WASM_BUDGET_KIB[name]
        targets.append((f"`pkg/wasm/{name}` gzipped ({raw:,.0f} KiB raw)", f"≤ {budget:,} KiB", f"{gz:,.0f} KiB", status(gz <= budget)))
    targets += [
        (f"wasm `check()` vs `JSON.parse`, same bytes, same Node process: {label} rows", f"≥ {WASM_VS_PARSE}×", f"{ratio:.2f}×", status(ratio >= WASM_VS_PARSE))
        for label, ratio in (("generated", wasm_vs_parse), ("real-world", real_wasm_vs_parse))
    ]
    targets += [
        (f"native `check --threads 1` vs Node reading and `JSON.parse`-ing the file, whole processes: {label} rows", f"≥ {NATIVE_VS_NODE}×", f"{native_vs_node(run):.2f}×", status(native_vs_node(run) >= NATIVE_VS_NODE))
        for label, run in corpora
    ]
    for cli, label in (("native", "native CLI"), ("node", "npm CLI")):
        limit_s, limit_mb = EXISTING_KEYS_LIMIT[cli]
        seconds, rss = keys[f"{cli}_s"], keys[f"{cli}_rss"]
        targets.append((f"`check --existing-keys` with {keys['keys']:,} keys ({keys['bytes'] / MB:,.0f} MB), 2-row manifest: {label}", f"≤ {limit_s:g} s, ≤ {limit_mb} MB", f"{seconds:.2f} s, {rss:,.0f} MB", status(seconds <= limit_s and rss <= limit_mb)))
    targets += [
        ("wasm `check()` vs the ajv reference, same Node process", "≥ 2× faster", f"{ajv_vs_wasm:.2f}× faster", status(ajv_vs_wasm >= 2.0)),
        ("native CLI `check` vs the ajv reference", "≥ 2× faster", f"{ajv_vs_cli:.2f}× faster", status(ajv_vs_cli >= 2.0)),
        ("Labelbox SDK `create_data_rows` (offline) vs `rowcheck split`", "report", f"rowcheck {sdk_total / t['cli_split_s']:.1f}× faster", "—"),
    ]
    for rows, limit in RSS_LIMIT_MB.items():
        if rows in by_rows and "split_rss" in by_rows[rows]:
            p = by_rows[rows]
            for cmd in ("check", "split"):
                rss = p[f"{cmd}_rss"]
                targets.append((f"peak RSS of `rowcheck {cmd}`, {fmt_rows(rows)} rows NDJSON", f"≤ {limit:,} MB", f"{rss:,.0f} MB", status(rss <= limit)))
        else:
            targets.append((f"peak RSS of `rowcheck check`/`split`, {fmt_rows(rows)} rows NDJSON", f"≤ {limit:,} MB", "not measured in this mode", "—"))
    targets.append(("peak RSS growth per million rows (check / split)", "report", f"{growth['check_rss']:.1f} / {growth['split_rss']:.1f} MB", "—"))
    cpu, wall = fits["check_cpu_s"], fits["check_s"]
    targets.append(
        (
            f"time linear in rows: log-log slope of `check` CPU time from {fmt_rows(points[-2]['rows'])} to {fmt_rows(points[-1]['rows'])} rows (wall time in brackets)",
            f"{LINEAR_EXPONENT[0]}–{LINEAR_EXPONENT[1]}",
            f"{cpu['exponent']:.3f} ({wall['exponent']:.3f})",
            status(LINEAR_EXPONENT[0] <= cpu["exponent"] <= LINEAR_EXPONENT[1]),
        )
    )

    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/run.sh{' --smoke' if args.mode == 'smoke' else ''}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC from commit {host['commit']}; the run took {took_s / 60:.1f} minutes.",
        "Every ratio below is two timings from this one run on the same bytes: the ratios carry over",
        "to other machines far better than the MB/s. Each timing is the best of several runs (the count is given),",
        "because the machine is shared; process timings are wall clock and include start-up and reading the file.",
        "",
        f"- Machine: {host['cpu']}, {host['cores']} cores, {host['memory_gib']:.0f} GiB RAM; {host['os']} (Linux {host['kernel']});",
        f"  load average {host['load'][0]:.2f} / {host['load'][1]:.2f} / {host['load'][2]:.2f} when the run started (other work shares these cores).",
        f"- Toolchains: {host['rustc']}; Node {host['node']}; {host['python']}; labelbox SDK {sdk['sdk']}; ajv {args.ajv_version}.",
        f"- rowcheck under test: native CLI {binary_label(args.rowcheck)}; wasm `pkg/wasm/rowcheck_bg.wasm` ({wasm_label()}).",
        f"- Corpora: tests/support/manifest.rs with seed {SEED} (streamed to a temporary directory by `bench/gen.rs`, deleted afterwards):",
        "  every media type, metadata, attachments, about 1% rows with one planted error each; every global key is",
        "  distinct except on the planted `GLOBAL_KEY_DUPLICATE` rows (1 row in about 700).",
        "",
        "## Targets",
        "",
        "| target | goal | measured | status |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets],
        "",
        f"## Throughput: {t['rows']:,}-row mixed manifest",
        "",
        f"A {t['bytes'] / MB:.1f} MB JSON array with {t['planted']:,} planted bad rows. JavaScript timings are from one Node process",
        f"({js['node']}, `node --expose-gc`, a collection before each call), best of {js['runs']}, contenders interleaved round by round.",
        "`JSON.parse` gets the text already decoded; the second row adds the UTF-8 decoding it would need from bytes.",
        "",
        "| what | best (ms) | MB/s | speed vs `JSON.parse` |",
        "|---|---:|---:|---:|",
    ]
    rows = [
        ("`JSON.parse(text)` (reference)", ms["json_parse"]),
        ("`JSON.parse(bytes.toString())`", ms["decode_json_parse"]),
        ("rowcheck wasm `check(bytes)` (report parsed into objects)", ms["wasm_check"]),
        ("ajv reference `check(bytes)` (bench/js/ajv-reference.mjs)", ms["ajv_reference"]),
        ("rowcheck native CLI `check --format json` (process, spawned from Node)", ms["native_cli"]),
    ]
    lines += [f"| {name} | {v:,.1f} | {mbs(v / 1e3, t['bytes']):,.0f} | {ms['json_parse'] / v:.2f}× |" for name, v in rows]
    lines += [
        "",
        f"The serde reference (`bench/throughput.rs`, one native process, best of {serde['runs']}):",
        "",
        "| what | best (ms) | MB/s | speed vs `serde_json::Value` |",
        "|---|---:|---:|---:|",
        f"| `serde_json::from_slice::<Value>` (reference) | {serde['serde_value_ms']:,.1f} | {mbs(serde['serde_value_ms'] / 1e3, t['bytes']):,.0f} | 1.00× |",
        f"| `rowcheck::check()` (library: every rule, normalization, chunk plan) | {serde['check_ms']:,.1f} | {mbs(serde['check_ms'] / 1e3, t['bytes']):,.0f} | {serde['serde_value_ms'] / serde['check_ms']:.2f}× |",
        "",
        f"## The same on real-world rows, and whole processes",
        "",
        f"`bench/realworld_repeat.py` repeats the rows of tests/realworld (rows people wrote, for every media type) to {real['rows']:,} rows,",
        f"{real['bytes'] / MB:.1f} MB. In one Node process as above, best of {real['js']['runs']}:",
        "",
        "| what | best (ms) | MB/s | speed vs `JSON.parse` |",
        "|---|---:|---:|---:|",
        *[f"| {name} | {real['js']['ms'][key]:,.1f} | {mbs(real['js']['ms'][key] / 1e3, real['bytes']):,.0f} | {real['js']['ms']['json_parse'] / real['js']['ms'][key]:.2f}× |" for name, key in (("`JSON.parse(text)` (reference)", "json_parse"), ("`JSON.parse(bytes.toString())`", "decode_json_parse"), ("rowcheck wasm `check(bytes)`", "wasm_check"))],
        "",
        f"Whole processes, wall clock, best of {args.mode_config['js_runs']} in alternation: `node -e '{NODE_READ_PARSE}' FILE` against",
        "`rowcheck check --threads 1 --format json FILE` (start-up, reading and the report included):",
        "",
        "| rows | file (MB) | Node read + `JSON.parse` (s) | native, one thread (s) | native is faster by |",
        "|---|---:|---:|---:|---:|",
        *[f"| {label} | {run['bytes'] / MB:,.1f} | {run['processes']['node_read_parse_s']:.3f} | {run['processes']['native_one_thread_s']:.3f} | {native_vs_node(run):.2f}× |" for label, run in corpora],
        "",
        "## Existing keys at organization scale",
        "",
        f"`check manifest.ndjson --existing-keys KEYS`: {keys['keys']:,} distinct keys from `bench/gen_keys.py`, one per line ({keys['bytes'] / MB:,.0f} MB), against a",
        "2-row manifest whose first key is one of them in upper case (reported `GLOBAL_KEY_EXISTS`). Best of 2, peak RSS the larger:",
        "",
        "| CLI | seconds | peak RSS (MB) |",
        "|---|---:|---:|",
        f"| native `rowcheck` | {keys['native_s']:.2f} | {keys['native_rss']:,.0f} |",
        f"| npm `node pkg/bin/rowcheck.js` (the core wasm) | {keys['node_s']:.2f} | {keys['node_rss']:,.0f} |",
        "",
        "## Against a JavaScript reference: ajv",
        "",
        "`bench/js/ajv-reference.mjs` is what a JavaScript user would write instead: `JSON.parse`, then every row through",
        f"ajv {args.ajv_version} (`ajv/dist/2020`, `allErrors` so every finding is reported as rowcheck does, compiled once from",
        "`schemas/`; the schemas use no `format`, so no ajv-formats), a `Map` of lower-cased global keys for duplicates, and,",
        "for a URL the schema rejects for its characters, the offending character and its position.",
        f"It is {ajv_vs_wasm:.2f}× the time of rowcheck's wasm `check()` and {ajv_vs_cli:.2f}× that of the native CLI.",
        "",
        "Which rows each one flags with an error, on the same manifest:",
        "",
        "| | rows |",
        "|---|---:|",
        f"| planted bad rows | {agree['planted']:,} |",
        f"| flagged by rowcheck (of them planted) | {agree['rowcheck_flagged']:,} ({agree['rowcheck_planted']:,}) |",
        f"| flagged by the ajv reference (of them planted) | {agree['reference_flagged']:,} ({agree['reference_planted']:,}) |",
        f"| flagged by both | {agree['both']:,} |",
        "",
        "## Against the Labelbox Python SDK",
        "",
        f"`bench/labelbox/sdk_prepare.py` runs the official SDK's own `Dataset.create_data_rows(items)` (labelbox {sdk['sdk']},",
        f"Python {sdk['python']}) on a `labelbox.Client` whose network methods are local stand-ins: `execute` answers the metadata-ontology",
        "query (the reserved fields), the `upsertDataRows` mutation and `get_user` with empty records, `upload_data` counts the bytes",
        "and returns a fake URL, `upload_file` refuses. Everything else is the SDK's code, timed whole:",
        "`_separate_and_process_items`, `DataRowCreateItem.build`, `data_row_uploader.upload_in_chunks` →",
        "`DescriptorFileCreator.create` → `_prepare_items_for_upload` (per row, in its 20-thread pool: key whitelist, the `s3:/`",
        "prefix, attachment type and value, embeddings, metadata via `DataRowMetadataOntology.parse_upsert_metadata`, the",
        "local-file check) and `_chunk_down_by_bytes` (`json.dumps`, halving until chunks are ≤ 10 MB), then the manifest of",
        "chunk URLs. The rows are parsed from the same file with `json.loads`, as a user would.",
        "",
        f"The SDK stops the whole call at the first row it refuses, so the refused rows were found first (untimed, bisecting",
        f"batches through the same call) and the timed call got the {sdk['accepted']:,} rows it accepts out of {sdk['rows']:,}.",
        f"It made {sdk['chunks']} chunk(s), {sdk['chunk_bytes'] / MB:.1f} MB. Best of {sdk['runs']}:",
        "",
        "| what | seconds | rowcheck is faster by |",
        "|---|---:|---:|",
        f"| SDK: `json.loads` of the file | {sdk['ms']['parse_ms'] / 1e3:.2f} | |",
        f"| SDK: `create_data_rows` | {sdk['ms']['create_data_rows_ms'] / 1e3:.2f} | |",
        f"| SDK: both | {sdk_total:.2f} | |",
        f"| `rowcheck check` (native CLI, best of {args.mode_config['js_runs']}) | {t['cli_check_s']:.2f} | {sdk_total / t['cli_check_s']:.1f}× |",
        f"| `rowcheck split --out DIR` (writes the chunks, best of {args.mode_config['js_runs']}) | {t['cli_split_s']:.2f} | {sdk_total / t['cli_split_s']:.1f}× |",
        "",
    ]
    caught = sdk["refused_planted_by_code"]
    missed = sorted(set(["URL_UNSUPPORTED_CHAR", "GLOBAL_KEY_DUPLICATE", "MEDIA_TYPE_UNKNOWN", "TMS_TILE_TEMPLATE", "METADATA_VALUE", "ATTACHMENT_TYPE", "URL_SCHEME"]) - set(caught))
    lines += [
        f"The SDK checks less: of the {sdk['planted']:,} planted bad rows it refused {sdk['refused_planted']:,}"
        + (f" ({', '.join(f'{code} {n}' for code, n in sorted(caught.items()))})" if caught else "")
        + (f", and let through every {', '.join(f'`{c}`' for c in missed)} row" if missed else "")
        + f"; it refused {len(sdk['refused_other'])} rows that were not planted. rowcheck reports all of them, with line and column.",
        "The SDK's reasons, one per planted kind it catches:",
        "",
        *[f"- {code}: `{reason}`" for code, reason in sorted(sdk["example_reasons"].items())],
        "",
        "## Memory",
        "",
        "Peak resident set size of the process (the kernel's `ru_maxrss` of the child), NDJSON manifests.",
        "`split` writes the chunk files to a temporary directory.",
        "",
        "| rows | file (MB) | `rowcheck check` | `rowcheck split` |",
        "|---:|---:|---:|---:|",
        *[f"| {p['rows']:,} | {p['bytes'] / MB:,.0f} | {p['check_rss']:,.0f} MB | {p['split_rss']:,.0f} MB |" for p in memory],
        "",
        f"Growth between {fmt_rows(lo['rows'])} and {fmt_rows(hi['rows'])} rows: {growth['check_rss']:.1f} MB per million rows for `check`,",
        f"{growth['split_rss']:.1f} MB for `split`.",
        f"For context, the npm package's CLI (`node pkg/bin/rowcheck.js`, the wasm build) on {node['rows']:,} rows: `check`",
        f"{node['node_check_s']:.1f} s and {node['node_check_rss']:,.0f} MB, `split` {node['node_split_s']:.1f} s and {node['node_split_rss']:,.0f} MB",
        f"(native: {node['check_s']:.1f} s and {node['check_rss']:,.0f} MB, {node['split_s']:.1f} s and {node['split_rss']:,.0f} MB).",
        "",
        "## Linearity",
        "",
        "`rowcheck check FILE` (native CLI, text report to a file) on NDJSON manifests of growing size. The target is judged",
        "on CPU time (user + system, from the child's rusage): wall time on this shared machine also holds the time the",
        "process waited for the other jobs' turn on the two cores. Both are shown; a least-squares fit on relative error:",
        "",
        f"- CPU time = {cpu['fixed_s'] * 1e3:.1f} ms + {cpu['per_row_ns']:,.0f} ns × rows, every point within {cpu['worst_residual'] * 100:.0f}% of it; log-log slope between the two largest sizes {cpu['exponent']:.3f} (1 is linear)",
        f"- wall time = {wall['fixed_s'] * 1e3:.1f} ms + {wall['per_row_ns']:,.0f} ns × rows, every point within {wall['worst_residual'] * 100:.0f}% of it; slope {wall['exponent']:.3f}",
        "",
        "| rows | file (MB) | runs | best wall (s) | wall ns/row | MB/s | best CPU (s) | CPU ns/row | peak RSS (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {p['rows']:,} | {p['bytes'] / MB:,.1f} | {p['runs']} | {p['check_s']:.3f} | {p['check_s'] / p['rows'] * 1e9:,.0f} | {mbs(p['check_s'], p['bytes']):,.0f}"
            f" | {p['check_cpu_s']:.3f} | {p['check_cpu_s'] / p['rows'] * 1e9:,.0f} | {p['check_rss']:,.0f} |"
            for p in points
        ],
        "",
        "![check wall and CPU time against rows, log-log](linearity.svg)",
        "",
    ]
    return "\n".join(lines)


def checks(t, keys, points):
    """What must hold for the figures to mean anything; returns the failures."""
    failures = []
    agree = t["js"]["agreement"]
    if not (agree["planted"] == agree["rowcheck_flagged"] == agree["rowcheck_planted"]):
        failures.append(f"rowcheck flagged {agree['rowcheck_flagged']} rows, {agree['rowcheck_planted']} of the {agree['planted']} planted")
    if not (agree["planted"] == agree["reference_flagged"] == agree["reference_planted"] == agree["both"]):
        failures.append(f"the ajv reference disagrees with rowcheck: it flagged {agree['reference_flagged']} rows, {agree['reference_planted']} planted, {agree['both']} in common")
    if t["sdk"]["refused_other"]:
        failures.append(f"the SDK refused rows that were not planted: {t['sdk']['refused_other'][:5]}")
    if t["sdk"]["refused_planted"] == 0:
        failures.append("the SDK refused no planted row: the offline client is probably not running its checks")
    figures = [*t["js"]["ms"].values(), *t["processes"].values(), t["serde"]["serde_value_ms"], t["serde"]["check_ms"], t["cli_check_s"], t["cli_split_s"], *t["sdk"]["ms"].values()]
    figures += [v for p in [*points, keys] for k, v in p.items() if k.endswith(("_s", "_rss"))]
    if not all(isinstance(v, (int, float)) and math.isfinite(v) and v > 0 for v in figures):
        failures.append(f"a timing or RSS figure is not a positive number: {figures}")
    return failures


# RESULTS.md from this line on holds figures other scripts measure (the
# checker page's long tasks): a run keeps them as they are, below its own.
KEPT = "<!-- Measured by other scripts, by hand: bench/run.sh keeps what follows as it is. -->"


def kept_sections(path):
    """The part of the RESULTS.md being replaced that a run keeps ("" if none)."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return ""
    at = text.find(KEPT)
    return "" if at < 0 else "\n" + text[at:]


def main():
    ap = argparse.ArgumentParser(description="bench/run.sh's measurements (run.sh passes these)")
    ap.add_argument("--mode", choices=MODES, required=True)
    ap.add_argument("--tmp", required=True, type=Path, help="scratch directory for the corpora (run.sh deletes it)")
    ap.add_argument("--out", required=True, type=Path, help="where RESULTS.md and linearity.svg go")
    ap.add_argument("--cargo-messages", required=True, type=Path, help="cargo build --message-format=json output naming the binaries")
    args = ap.parse_args()
    args.mode_config = MODES[args.mode]
    binaries = executables(args.cargo_messages)
    args.rowcheck, args.gen, args.throughput = binaries["rowcheck"], binaries["gen"], binaries["throughput"]
    args.ajv_version = json.loads((ROOT / "bench/js/node_modules/ajv/package.json").read_text())["version"]

    started = time.monotonic()
    host = machine()
    try:
        sizes = wasm_sizes()
        t = throughput(args, args.mode_config, args.tmp)
        real = realworld(args, args.mode_config, args.tmp)
        keys = existing_keys(args, args.mode_config, args.tmp)
        points = scaling(args, args.mode_config, args.tmp)
    except Failed as e:
        sys.exit(f"bench: {e}")
    except subprocess.CalledProcessError as e:
        sys.exit(f"bench: {' '.join(e.cmd)} failed with exit status {e.returncode} (its messages are above)")
    fits = {key: affine_fit(points, key) for key, *_ in SERIES}
    args.out.mkdir(parents=True, exist_ok=True)
    title = f"rowcheck check, native CLI, commit {host['commit'].split()[0]}"
    (args.out / "linearity.svg").write_text(svg(points, fits, title))
    results = args.out / "RESULTS.md"
    results.write_text(results_md(args, host, t, real, keys, sizes, points, fits, time.monotonic() - started) + kept_sections(results))
    log(f"wrote {args.out / 'RESULTS.md'} and {args.out / 'linearity.svg'}")
    failures = checks(t, keys, points)
    if failures:
        sys.exit("bench: the run finished but these do not hold:\n- " + "\n- ".join(failures))


if __name__ == "__main__":
    main()
