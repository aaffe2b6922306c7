#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs a toml-test decoder over the TOML 1.0 cases of the toml-test suite.

usage: run-toml-test.py DECODER [SUITE_DIR]

SUITE_DIR is the toml-test checkout (holding files-toml-1.0.0, valid/ and invalid/); the
HV_TOML_TEST_DIR environment variable overrides it.

Valid cases must decode (exit 0) to JSON equal to the case's .json twin, compared the way
toml-test compares: tables by keys (order ignored), arrays element by element, integers and
floats by value (nan equals nan), date/times by the instant or local value they denote (so
"17:45:56.6" equals "17:45:56.600"), strings and booleans exactly. Invalid cases must be
rejected with exit status 1 (not a crash, not a hang).

The last line of output is "N passed, N failed"; the exit status is 1 if anything failed.
"""

import json
import math
import os
import re
import subprocess
import sys

TIMEOUT = 10  # seconds per case


class Mismatch(Exception):
    pass


def is_scalar(value):
    return (isinstance(value, dict) and set(value.keys()) == {"type", "value"}
            and isinstance(value["type"], str) and isinstance(value["value"], str))


def parse_float(text):
    t = text.strip().lower()
    if t in ("inf", "+inf", "infinity", "+infinity"):
        return math.inf
    if t in ("-inf", "-infinity"):
        return -math.inf
    if t in ("nan", "+nan", "-nan"):
        return math.nan
    return float(t)


DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
TIME_RE = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$")
DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$")


def nanos(frac):
    if not frac:
        return 0
    return int((frac + "000000000")[:9])


def days_from_civil(y, m, d):
    # Days since 1970-01-01 in the proleptic Gregorian calendar.
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def datetime_key(kind, text):
    """A comparable value for a date/time string, normalized the way toml-test does
    (' ' and 't' separators become 'T', 'z' becomes 'Z')."""
    t = text.replace(" ", "T").replace("t", "T").replace("z", "Z")
    if kind == "date-local":
        m = DATE_RE.match(t)
        if not m:
            raise Mismatch(f"not a local date: {text!r}")
        return tuple(int(g) for g in m.groups())
    if kind == "time-local":
        m = TIME_RE.match(t)
        if not m:
            raise Mismatch(f"not a local time: {text!r}")
        h, mi, s, frac = m.groups()
        return (int(h), int(mi), int(s), nanos(frac))
    m = DATETIME_RE.match(t)
    if not m:
        raise Mismatch(f"not a {kind}: {text!r}")
    y, mo, d, h, mi, s, frac, off = m.groups()
    if kind == "datetime-local":
        if off is not None:
            raise Mismatch(f"local date-time has an offset: {text!r}")
        return (int(y), int(mo), int(d), int(h), int(mi), int(s), nanos(frac))
    if off is None:
        raise Mismatch(f"offset date-time without an offset: {text!r}")
    offset_min = 0
    if off != "Z":
        sign = -1 if off[0] == "-" else 1
        offset_min = sign * (int(off[1:3]) * 60 + int(off[4:6]))
    seconds = (days_from_civil(int(y), int(mo), int(d)) * 86400 + int(h) * 3600
               + int(mi) * 60 + int(s) - offset_min * 60)
    return (seconds, nanos(frac))


def compare(expected, actual, path):
    where = path or "(root)"
    if is_scalar(expected):
        if not is_scalar(actual):
            raise Mismatch(f"{where}: expected a {expected['type']} value, "
                           f"got {json.dumps(actual)[:200]}")
        et, at = expected["type"], actual["type"]
        ev, av = expected["value"], actual["value"]
        if et != at:
            raise Mismatch(f"{where}: expected type {et} ({ev!r}), got {at} ({av!r})")
        if et == "integer":
            equal = int(ev) == int(av)
        elif et == "float":
            e, a = parse_float(ev), parse_float(av)
            equal = (math.isnan(e) and math.isnan(a)) or e == a
        elif et in ("datetime", "datetime-local", "date-local", "time-local"):
            equal = datetime_key(et, ev) == datetime_key(et, av)
        else:
            equal = ev == av
        if not equal:
            raise Mismatch(f"{where}: expected {et} {ev!r}, got {av!r}")
        return
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or is_scalar(actual):
            raise Mismatch(f"{where}: expected a table, got {json.dumps(actual)[:200]}")
        missing = sorted(set(expected) - set(actual))
        extra = sorted(set(actual) - set(expected))
        if missing or extra:
            raise Mismatch(f"{where}: keys differ: missing {missing}, unexpected {extra}")
        for key in expected:
            compare(expected[key], actual[key], f"{path}.{key}" if path else key)
        return
    if isinstance(expected, list):
        if not isinstance(actual, list):
            raise Mismatch(f"{where}: expected an array, got {json.dumps(actual)[:200]}")
        if len(expected) != len(actual):
            raise Mismatch(f"{where}: expected {len(expected)} elements, got {len(actual)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, f"{path}[{i}]")
        return
    raise Mismatch(f"{where}: malformed expected JSON {json.dumps(expected)[:200]}")


def run_decoder(decoder, toml_path):
    with open(toml_path, "rb") as f:
        data = f.read()
    return subprocess.run([decoder], input=data, capture_output=True, timeout=TIMEOUT)


def describe_status(code):
    if code < 0:
        return f"killed by signal {-code}"
    return f"exit status {code}"


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    decoder = os.path.abspath(sys.argv[1])
    suite = os.environ.get("HV_TOML_TEST_DIR") or (sys.argv[2] if len(sys.argv) > 2 else None)
    if not suite:
        print("run-toml-test.py: no suite directory given; pass it or set HV_TOML_TEST_DIR",
              file=sys.stderr)
        return 2
    listing = os.path.join(suite, "files-toml-1.0.0")
    if not os.path.isfile(listing):
        print(f"run-toml-test.py: {listing} not found. Put the toml-test suite at "
              f"shared/testdata/toml-test beside the repository, or set HV_TOML_TEST_DIR to "
              f"its directory.", file=sys.stderr)
        return 2

    with open(listing, encoding="utf-8") as f:
        names = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    cases = [n for n in names if n.endswith(".toml")]

    counts = {"valid": [0, 0], "invalid": [0, 0]}  # passed, failed
    failures = []

    for name in cases:
        kind = "valid" if name.startswith("valid/") else "invalid"
        path = os.path.join(suite, name)
        try:
            proc = run_decoder(decoder, path)
        except subprocess.TimeoutExpired:
            failures.append(f"FAIL {name}: decoder did not finish within {TIMEOUT} s")
            counts[kind][1] += 1
            continue

        if kind == "invalid":
            if proc.returncode == 1:
                counts[kind][0] += 1
            else:
                detail = ("accepted invalid input; output: "
                          + proc.stdout.decode("utf-8", "replace")[:300]
                          if proc.returncode == 0 else
                          f"{describe_status(proc.returncode)}: "
                          + proc.stderr.decode("utf-8", "replace")[:300])
                failures.append(f"FAIL {name}: {detail}")
                counts[kind][1] += 1
            continue

        json_path = path[:-len(".toml")] + ".json"
        try:
            if proc.returncode != 0:
                raise Mismatch(f"{describe_status(proc.returncode)}: "
                               + proc.stderr.decode("utf-8", "replace").strip()[:500])
            try:
                actual = json.loads(proc.stdout.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                raise Mismatch(f"decoder output is not JSON ({e}): "
                               + proc.stdout.decode("utf-8", "replace")[:300])
            with open(json_path, encoding="utf-8") as f:
                expected = json.load(f)
            compare(expected, actual, "")
            counts[kind][0] += 1
        except Mismatch as e:
            failures.append(f"FAIL {name}: {e}")
            counts[kind][1] += 1

    for line in failures:
        print(line)
    passed = counts["valid"][0] + counts["invalid"][0]
    failed = counts["valid"][1] + counts["invalid"][1]
    print(f"valid: {counts['valid'][0]} passed, {counts['valid'][1]} failed; "
          f"invalid: {counts['invalid'][0]} rejected, {counts['invalid'][1]} failed")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
