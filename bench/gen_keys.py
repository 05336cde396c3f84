#!/usr/bin/env python3
"""Writes an organization's key list for `--existing-keys` at scale, and a
2-row manifest to check against it, streaming, so that the list's size is
the disk's, not the memory's.

    python3 bench/gen_keys.py --keys N --out KEYS [--manifest FILE]

Each key is 58 characters (`org-` and a 54-digit number), one per line, so
10,000,000 keys make a 590 MB list. The manifest's first row has a listed
key upper-cased (GLOBAL_KEY_EXISTS, keys compare case-insensitively), its
second a key that is not listed.
"""
import argparse
import json


def key(i):
    return f"org-{i:054d}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--manifest")
    args = parser.parse_args()
    with open(args.out, "w", encoding="ascii", newline="\n") as out:
        block = 100_000
        for start in range(0, args.keys, block):
            out.write("".join(key(i) + "\n" for i in range(start, min(start + block, args.keys))))
    if args.manifest:
        rows = [key(args.keys // 2).upper(), key(args.keys)]
        with open(args.manifest, "w", encoding="ascii") as out:
            for k in rows:
                out.write(json.dumps({"row_data": "https://storage.example.com/a.jpg", "global_key": k}) + "\n")


if __name__ == "__main__":
    main()
