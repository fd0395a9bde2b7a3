#!/usr/bin/env python3
"""HDF5 tables as DataFrames (programs/frame_hdf5_program.cpp) against h5py and numpy.

Usage: check_frame_hdf5.py --program PATH [--np N] [--mpirun MPIRUN] [--timeout S]

--np 0 runs the program alone (local mode), N >= 1 under mpirun -n N. Fixtures, made here
with h5py: a 20-member compound (every integer and float width, a big-endian member),
contiguous, again chunked with gzip, and split over two files, 10007 rows; a 1-D float64 dataset; compounds with a
string member and with a uint64 member. Cases:

  read-*: print_schema's types, and every row written as CSV equal to h5py's, in order.
  select3: a select of 3 of the 20 members reads only those (explain: ReadSchema) and
  gives their values.
  query: filter (pushed into the scan: explain says so), group_by, sum/count/max and a UDF
         equal to numpy's.
  copy: write().hdf5 read back by h5py (dtype, order, values); an existing file is 73,
  mode overwrite replaces it, mode ignore leaves it.
  errors: a string member and a uint64 member are 65 naming them, a missing file 66, a
  null written 65, a string column or two columns of one name written 64.

The last line printed is "P passed, F failed".
"""
import argparse
import csv
import glob
import os
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
except ImportError as e:  # a failure, not a skip
    print("check_frame_hdf5: SETUP ERROR: %s (apt-get install python3-h5py python3-numpy)" % e)
    print("0 passed, 1 failed")
    sys.exit(2)

ROWS = 10007
KINDS = ["<i1", "<i2", "<i4", "<i8", "<u1", "<u2", "<u4", "<f4", "<f8"]
SPARK_TYPE = {"i1": "integer", "i2": "integer", "i4": "integer", "u1": "integer", "u2": "integer",
              "i8": "long", "u4": "long", "f4": "float", "f8": "double"}


def member_types():
    types = [KINDS[i % len(KINDS)] for i in range(20)]
    types[12] = ">i8"  # big-endian: HDF5 converts it
    return types


def make_fixtures(d):
    rng = np.random.default_rng(20261207)
    dt = np.dtype([("m%02d" % i, t) for i, t in enumerate(member_types())])
    table = np.zeros(ROWS, dtype=dt)
    for name in dt.names:
        t = dt[name]
        if t.kind == "f":
            table[name] = rng.normal(0, 1000, ROWS).astype(t)
        else:
            info = np.iinfo(t)
            table[name] = rng.integers(info.min, info.max, ROWS, dtype=t.newbyteorder("="), endpoint=True)
    table["m05"] = rng.integers(0, 10, ROWS)  # the group key
    with h5py.File(os.path.join(d, "wide.h5"), "w") as f:
        f["table"] = table
    with h5py.File(os.path.join(d, "wide_gz.h5"), "w") as f:
        f.create_dataset("g/table", data=table, chunks=(1000,), compression="gzip")
    os.makedirs(os.path.join(d, "parts"))  # the table in two files, read by a glob in name order
    with h5py.File(os.path.join(d, "parts", "a.h5"), "w") as f:
        f["table"] = table[:4000]
    with h5py.File(os.path.join(d, "parts", "b.h5"), "w") as f:
        f["table"] = table[4000:]
    with h5py.File(os.path.join(d, "values.h5"), "w") as f:
        f["v"] = rng.normal(0, 1, 3001)
    with h5py.File(os.path.join(d, "bad.h5"), "w") as f:
        f["strings"] = np.zeros(3, dtype=[("x", "<f8"), ("name", "S8")])
        f["u64"] = np.zeros(3, dtype=[("x", "<f8"), ("big", "<u8")])
    return table


class Runner:
    def __init__(self, program, np_, mpirun, timeout):
        self.program, self.np, self.mpirun, self.timeout = program, np_, mpirun, timeout

    def run(self, *args):
        cmd = [self.program] + list(args)
        if self.np > 0:
            cmd = [self.mpirun, "-n", str(self.np), "--oversubscribe", "--bind-to", "none"] + cmd
        try:
            return subprocess.run(cmd, capture_output=True, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(cmd, -999, b"", b"timed out after %ds" % self.timeout)


def read_csv_dir(d):
    rows, header = [], None
    for part in sorted(glob.glob(os.path.join(d, "part-*.csv"))):
        with open(part, newline="") as f:
            r = list(csv.reader(f))
        if not r:
            continue
        header = r[0]
        rows.extend(r[1:])
    return header, rows


def same_value(text, value, dtype):
    if dtype.kind == "f":
        return np.array(float(text), dtype=dtype.newbyteorder("=")) == value
    return int(text) == int(value)


def compare_rows(fails, label, header, rows, table, names):
    if header != list(names):
        fails.append("%s: header %s, expected %s" % (label, header, list(names)))
        return
    if len(rows) != len(table):
        fails.append("%s: %d rows, expected %d" % (label, len(rows), len(table)))
        return
    for i, row in enumerate(rows):
        for j, name in enumerate(names):
            if not same_value(row[j], table[name][i], table.dtype[name]):
                fails.append("%s: row %d, %s: %r, h5py has %r" % (label, i, name, row[j], table[name][i]))
                return


def expect_exit(fails, label, res, code, words=()):
    err = res.stderr.decode(errors="replace")
    if res.returncode != code:
        fails.append("%s: exit %d, expected %d; stderr: %s" % (label, res.returncode, code, err[-600:]))
        return False
    for w in words:
        if w not in err:
            fails.append("%s: stderr lacks %r: %s" % (label, w, err[-600:]))
    return True


def case_read(r, d, table, fails):
    for label, name, dset in [("read-contiguous", "wide.h5", "/table"), ("read-chunked-gzip", "wide_gz.h5", "/g/table"),
                              ("read-glob", "parts/*.h5", "/table")]:
        out = os.path.join(d, label)
        res = r.run("read", os.path.join(d, name), dset, out)
        if not expect_exit(fails, label, res, 0):
            continue
        schema = res.stdout.decode()
        for member in table.dtype.names:
            kind = table.dtype[member].str[1:]
            line = " |-- %s: %s (nullable = false)" % (member, SPARK_TYPE[kind])
            if line not in schema:
                fails.append("%s: print_schema lacks %r:\n%s" % (label, line, schema))
        header, rows = read_csv_dir(out)
        compare_rows(fails, label, header, rows, table, table.dtype.names)
    out = os.path.join(d, "read-values")
    res = r.run("read", os.path.join(d, "values.h5"), "/v", out)
    if expect_exit(fails, "read-values", res, 0):
        with h5py.File(os.path.join(d, "values.h5"), "r") as f:
            values = np.array(f["v"][...], dtype=[("value", "<f8")])
        header, rows = read_csv_dir(out)
        compare_rows(fails, "read-values", header, rows, values, ["value"])


def case_select3(r, d, table, fails):
    out = os.path.join(d, "select3")
    res = r.run("select3", os.path.join(d, "wide.h5"), "/table", out)
    if not expect_exit(fails, "select3", res, 0):
        return
    plan = res.stdout.decode()
    # explain(true): the parsed plan's scan reads all 20 members, the optimized and physical
    # plans' only the 3 used.
    written, _, optimized = plan.partition("== Optimized Logical Plan ==")
    want = "ReadSchema: struct<m03:bigint,m11:int,m19:int>"
    if optimized.count(want) != 2:
        fails.append("select3: the optimized and physical plans lack %r (the scan reads more members?):\n%s"
                     % (want, plan))
    if "m00" in optimized:
        fails.append("select3: the optimized plan names m00, which the select does not use:\n%s" % plan)
    if "ReadSchema: struct<m00:int," not in written:
        fails.append("select3: the parsed plan's scan is not the one as written (all members):\n%s" % plan)
    header, rows = read_csv_dir(out)
    compare_rows(fails, "select3", header, rows, table, ["m03", "m11", "m19"])


def case_query(r, d, table, fails):
    out = os.path.join(d, "query")
    res = r.run("query", os.path.join(d, "wide.h5"), "/table", out)
    if not expect_exit(fails, "query", res, 0):
        return
    # The filter right after the read is evaluated by the HDF5 scan (pushed down).
    optimized = res.stdout.decode().partition("== Optimized Logical Plan ==")[2]
    if "hdf5 /table PushedFilters: [(m00 > 0)]," not in optimized:
        fails.append("query: the filter is not pushed into the scan:\n%s" % res.stdout.decode())
    header, rows = read_csv_dir(out)
    if header != ["m05", "s", "n", "mx", "k3"]:
        fails.append("query: header %s" % header)
        return
    kept = table[table["m00"] > 0]
    keys = sorted(set(int(k) for k in kept["m05"]))
    if [int(row[0]) for row in rows] != keys:
        fails.append("query: keys %s, expected %s" % ([row[0] for row in rows], keys))
        return
    for row in rows:
        k = int(row[0])
        g = kept[kept["m05"] == k]
        s = float(np.sum(g["m08"].astype(np.float64)))
        if abs(float(row[1]) - s) > 1e-9 * max(1.0, abs(s)) or int(row[2]) != len(g) or \
                int(row[3]) != int(np.max(g["m03"])) or int(row[4]) != k ** 3:
            fails.append("query: key %d: %s, numpy: sum %r count %d max %d cube %d" %
                         (k, row, s, len(g), int(np.max(g["m03"])), k ** 3))


def case_copy(r, d, table, fails):
    out = os.path.join(d, "copy.h5")
    res = r.run("copy", os.path.join(d, "wide_gz.h5"), "/g/table", out, "/copied", "error")
    if not expect_exit(fails, "copy", res, 0):
        return
    with h5py.File(out, "r") as f:
        got = f["copied"][...]
    want_names = list(table.dtype.names) + ["twice", "flag"]
    if list(got.dtype.names) != want_names:
        fails.append("copy: members %s, expected %s" % (got.dtype.names, want_names))
        return
    if len(got) != len(table):
        fails.append("copy: %d rows, expected %d" % (len(got), len(table)))
        return
    for name in table.dtype.names:
        if not np.array_equal(got[name], table[name]):
            fails.append("copy: member %s differs from the input (order or values)" % name)
    if got.dtype["twice"] != np.dtype("<f8") or not np.array_equal(got["twice"], table["m08"] * 2):
        fails.append("copy: twice is not 2 * m08 as float64 (%s)" % got.dtype["twice"])
    if not np.array_equal(got["flag"].astype(bool), table["m00"] > 0):
        fails.append("copy: flag is not m00 > 0")
    res = r.run("copy", os.path.join(d, "wide.h5"), "/table", out, "/copied", "error")
    expect_exit(fails, "copy-exists", res, 73, ["already exists"])
    res = r.run("copy", os.path.join(d, "wide.h5"), "/table", out, "/again", "ignore")
    if expect_exit(fails, "copy-ignore", res, 0):
        with h5py.File(out, "r") as f:
            if list(f.keys()) != ["copied"]:
                fails.append("copy-ignore: the file changed: %s" % list(f.keys()))
    res = r.run("copy", os.path.join(d, "wide.h5"), "/table", out, "/again", "overwrite")
    if expect_exit(fails, "copy-overwrite", res, 0):
        with h5py.File(out, "r") as f:
            if list(f.keys()) != ["again"] or len(f["again"]) != ROWS:
                fails.append("copy-overwrite: the file holds %s, expected only /again" % list(f.keys()))


def case_errors(r, d, fails):
    bad = os.path.join(d, "bad.h5")
    expect_exit(fails, "error-string-member", r.run("read", bad, "/strings", os.path.join(d, "e1")), 65,
                ['member "name"', "string"])
    expect_exit(fails, "error-uint64-member", r.run("read", bad, "/u64", os.path.join(d, "e2")), 65,
                ['member "big"', "uint64"])
    expect_exit(fails, "error-missing", r.run("read", os.path.join(d, "nope.h5"), "/t", os.path.join(d, "e3")), 66)
    expect_exit(fails, "error-write-null", r.run("write-null", os.path.join(d, "null.h5")), 65,
                ['column "x" holds a null'])
    expect_exit(fails, "error-write-string", r.run("write-string", os.path.join(d, "string.h5")), 64,
                ['column "name" is a string'])
    expect_exit(fails, "error-write-same-names", r.run("write-same-names", os.path.join(d, "same.h5")), 64,
                ['two columns are named "id"'])
    for name in ("null.h5", "string.h5", "same.h5"):
        if os.path.exists(os.path.join(d, name)):
            fails.append("error-write: %s exists after a failed write" % name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--program", required=True)
    ap.add_argument("--np", type=int, default=0)
    ap.add_argument("--mpirun", default="mpirun")
    ap.add_argument("--timeout", type=int, default=60)
    a = ap.parse_args()
    r = Runner(os.path.abspath(a.program), a.np, a.mpirun, a.timeout)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="frame-hdf5-") as d:
        table = make_fixtures(d)
        cases = [("read", lambda f: case_read(r, d, table, f)), ("select3", lambda f: case_select3(r, d, table, f)),
                 ("query", lambda f: case_query(r, d, table, f)), ("copy", lambda f: case_copy(r, d, table, f)),
                 ("errors", lambda f: case_errors(r, d, f))]
        for name, fn in cases:
            fails = []
            fn(fails)
            print("%s np%d: %s" % (name, a.np, "ok" if not fails else "FAILED"))
            for line in fails:
                print("  " + line)
            passed += not fails
            failed += bool(fails)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
