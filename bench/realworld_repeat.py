"""The real-world corpus's rows repeated to a benchmark manifest:
python3 bench/realworld_repeat.py --rows 200000 --out FILE.json

Every row of tests/realworld's JSON and NDJSON manifests (files without a
.args, rows not listed as refused), in file order, repeated until --rows;
each copy's global keys get a suffix so copies are not duplicates of each
other (keys the corpus repeats across files still are)."""
import argparse
import json
from pathlib import Path

ap = argparse.ArgumentParser()
ap.add_argument("--rows", type=int, default=200_000)
ap.add_argument("--out", required=True, type=Path)
args = ap.parse_args()

corpus = Path(__file__).resolve().parent.parent / "tests" / "realworld"
rows = []
for path in sorted(corpus.glob("*.json")) + sorted(corpus.glob("*.ndjson")):
    source = path.with_suffix(".source")
    if not source.exists() or path.with_suffix(".args").exists():
        continue
    refused = set(json.loads(source.read_text()).get("refused", {}))
    if "file" in refused:
        continue
    text = path.read_text()
    try:
        data = json.loads(text) if path.suffix == ".json" else [json.loads(l) for l in text.splitlines() if l.strip()]
    except ValueError:
        continue
    if isinstance(data, list):
        rows += [r for i, r in enumerate(data, 1) if isinstance(r, dict) and str(i) not in refused]

out, copy = [], 0
while len(out) < args.rows:
    for row in rows[: args.rows - len(out)]:
        row = dict(row)
        for key in ("global_key", "globalKey"):
            if isinstance(row.get(key), str):
                row[key] = f"{row[key]}-{copy}"
        out.append(row)
    copy += 1
args.out.write_text(json.dumps(out))
print(f"{len(rows)} distinct rows -> {len(out)} rows, {args.out.stat().st_size:,} bytes")
