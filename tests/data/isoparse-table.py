"""Regenerate isoparse-dateutil-2.9.0.jsonl: strings and what the Labelbox
SDK's datetime parsing (dateutil's isoparse, no offset meaning UTC, then UTC)
makes of them, for the differential test in src/datetime.rs.

    python3 tests/data/isoparse-table.py > tests/data/isoparse-dateutil-2.9.0.jsonl

Needs python-dateutil 2.9.0 (what labelbox 7.17.0 installs).
"""
import json
import random
import datetime

import dateutil
from dateutil.parser import isoparse
from dateutil.tz import tzoffset
from dateutil.utils import default_tzinfo

UTC = tzoffset("UTC", 0)


def sdk(s):
    try:
        dt = default_tzinfo(isoparse(s), UTC).astimezone(datetime.timezone.utc)
    except Exception:
        return None
    us = f".{dt.microsecond:06d}" if dt.microsecond else ""
    return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}{us}Z"


HAND = [
    "2022-06-01", "2022-06", "2022", "20220601", "2022-06-01T10:30", "20220601T103000", "2022-06-01T10:30:00",
    "2022-06-01T10:30:00Z", "2022-06-01T10:30:00z", "2022-06-01T10:30:00+02:00", "2022-06-01T10:30:00+0200",
    "2022-06-01T10:30:00+02", "2022-06-01T10:30:00-02:30", "2022-06-01T10:30:00.123456", "2022-06-01T10:30:00,5",
    "2022-06-01T10:30:00.1234567891", "2022-06-01 10:30:00", "2022-06-01t10:30:00", "2022-06-01x10:30",
    "2022-06-01T24:00", "2022-06-01T24:00:00.000000", "2022-06-01T24:00:00.0000001", "2022-06-01T24:01",
    "9999-12-31T24:00", "9999-12-31T24:00+01:00", "9999-12-31T23:00-01:00", "0001-01-01T00:30+01:00", "0001-01-01",
    "0000-01-01", "2022-W22-3", "2022W223", "2022-W22", "2022W22", "2022-W1", "2022-W01-", "2022-W011", "2022W01-1",
    "2022-W53-7", "2020-W53-7", "9999-W52-7", "9999-W53-1", "0001-W01-1", "2022-W54-1", "2022-W00-1", "2022-W01-8",
    "2022-152", "2022152", "2022-366", "2020-366", "2022-000", "2022061", "202206", "2022-0601", "2022-06-1",
    "2022-06- 1", " 2022-06-01", "2022-06-01 ", "+999-06-01", "-999-06-01", "2_22-06-01", "2022-06-01T 9:30",
    "2022-06-01T9 :30", "2022-06-01T10:3", "2022-06-01T10:30:0", "2022-06-01T1", "2022-06-01T", "2022-06-01TZ",
    "2022-06-01T+01:00", "2022-06-01+01:00", "2022-06-01Z", "2022-06-01T10Z", "2022-06-01T10+05", "2022-06-01T1030Z",
    "2022-06-01T10:3000", "2022-06-01T1030:00", "2022-06-01T10:30.5", "2022-06-01T10:30:00.", "2022-06-01T10:30:00.Z",
    "2022-06-01T10:30:00+2", "2022-06-01T10:30:00+05030", "2022-06-01T10:30:00+05 30", "2022-06-01T10:30:00+-1:00",
    "2022-06-01T10:30:00+24:00", "2022-06-01T10:30:00+00:60", "2022-06-01T10:30:00+00:00", "2022-06-01T10:30:00-00",
    "2022-06-01T10:30:00+05:3", "2022-06-01T10:30:00Zjunk", "2022-06-01T10:30:60", "2022-06-01T10:60", "2022-06-01T25",
    "2022-02-29", "2024-02-29", "2022-02-30", "2022-13-01", "2022-00-10", "2022-06-00", "yesterday", "", "2022/06/01",
    "2022-06-01é", "２０２２-06-01", "2022-06-01T10:30:00 +02:00", "2022-06-01T10:30:00\t", "2022-06-01T10:30\n",
    "2022-06-01T10:30:00.123+05:30", "2022-06-01T10:30:00,123Z", "1999-12-31T23:59:59.999-12:00",
    "2022-06T10:00", "2022-W01T10", "2022W01T10", "2022-W01-1T10:30", "2022W011T1030", "2022-152T10:30",
    "2022152T103000.5+0100", "20220601T10", "2022060110:30", "2022-06-0110:30", "1_000-01-01",
]

ALPHA = "0123456789-:T+Zz.,W _t\t"


def pad(n, w):
    return str(n).zfill(w)


def sometimes(r, good, bad):
    return good if r.random() < 0.85 else bad


def structured(r):
    y = r.choice([r.randint(1, 9999), r.randint(1900, 2100), r.randint(1900, 2100), 1, 9999, 0])
    kind = r.randrange(6)
    dash = r.random() < 0.7
    d = "-" if dash else ""
    if kind == 0:
        date = f"{pad(y, 4)}{d}{pad(sometimes(r, r.randint(1, 12), r.randint(0, 13)), 2)}{d}{pad(sometimes(r, r.randint(1, 28), r.randint(0, 32)), 2)}"
    elif kind == 1:
        date = f"{pad(y, 4)}-{pad(r.randint(0, 13), 2)}"
    elif kind == 2:
        date = pad(y, 4)
    elif kind == 3:
        date = f"{pad(y, 4)}{d}W{pad(sometimes(r, r.randint(1, 53), r.randint(0, 54)), 2)}" + (f"{d}{sometimes(r, r.randint(1, 7), r.randint(0, 8))}" if r.random() < 0.7 else "")
    elif kind == 4:
        date = f"{pad(y, 4)}{d}{pad(sometimes(r, r.randint(1, 365), r.randint(0, 367)), 3)}"
    else:
        date = f"{pad(y, 4)}{d}{pad(r.randint(1, 12), 2)}{d}{pad(r.randint(1, 28), 2)}"
    if r.random() < 0.75:
        c = ":" if r.random() < 0.7 else ""
        t = pad(sometimes(r, r.randint(0, 23), r.choice([24, 25])), 2)
        parts = r.randrange(4)
        if parts >= 1:
            t += c + pad(sometimes(r, r.randint(0, 59), r.choice([0, 60])), 2)
        if parts >= 2:
            t += c + pad(sometimes(r, r.randint(0, 59), r.choice([0, 60])), 2)
            if r.random() < 0.3:
                t += r.choice(".,") + "".join(r.choice("0123456789") for _ in range(r.randint(0, 9)))
        if r.random() < 0.5:
            t += r.choice(["Z", "z", "+00:00", "-00", f"+{pad(sometimes(r, r.randint(0, 23), 25), 2)}",
                           f"-{pad(sometimes(r, r.randint(0, 23), 24), 2)}{pad(sometimes(r, r.randint(0, 59), 61), 2)}",
                           f"+{pad(sometimes(r, r.randint(0, 23), 25), 2)}:{pad(sometimes(r, r.randint(0, 59), 60), 2)}"])
        date += r.choice("TTTTt x") + t
    s = date
    for _ in range(r.choice([0, 0, 0, 0, 0, 0, 1, 2])):
        i = r.randrange(len(s) + 1)
        op = r.randrange(3)
        if op == 0:
            s = s[:i] + r.choice(ALPHA) + s[i:]
        elif op == 1 and i < len(s):
            s = s[:i] + s[i + 1:]
        elif i < len(s):
            s = s[:i] + r.choice(ALPHA) + s[i + 1:]
    return s


def main():
    assert dateutil.__version__ == "2.9.0.post0", dateutil.__version__
    r = random.Random(20261201)
    seen = set()
    inputs = list(HAND)
    while len(inputs) < 4000:
        s = structured(r) if r.random() < 0.9 else "".join(r.choice(ALPHA) for _ in range(r.randint(1, 22)))
        if s not in seen:
            seen.add(s)
            inputs.append(s)
    print("# [input, what the SDK makes of it (UTC, microseconds) or null when it refuses]: see isoparse-table.py")
    for s in inputs:
        print(json.dumps([s, sdk(s)], ensure_ascii=False))


main()
