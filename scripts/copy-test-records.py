#!/usr/bin/env python3
"""Copies the OSV records the CLI's proof tests read as their oracle input out of
../shared/vulndata/osv into crates/cli/tests/data/osv, unchanged, so those tests
run (and can fail) in a clone without ../shared. The baseline the scans use is
built from the same ../shared snapshot (scripts/build-baseline.sh); run both
after ../shared changes.

  AlmaLinux9/  every AlmaLinux:9 record naming a package rpm_image.rs installs
  Go/          every Go record naming stdlib, toolchain or a golang.org/x/ module (go_proof.rs)
  PyPI/        the jinja2 records db_cli.rs serves from its mirror
"""
import json
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "vulndata", "osv")
OUT = os.path.join(ROOT, "crates", "cli", "tests", "data", "osv")

ALMA = {"zlib", "bzip2-libs", "openssl-libs", "expat", "sqlite-libs"}
GO = {"stdlib", "toolchain"}  # and every golang.org/x/ module: the build may pull in more than it imports
PYPI = ["PYSEC-2014-8", "PYSEC-2014-82", "PYSEC-2019-217", "PYSEC-2019-220", "PYSEC-2021-66"]


def names(rec, ecosystem=None):
    return {
        a["package"]["name"]
        for a in rec.get("affected", [])
        if ecosystem is None or a["package"].get("ecosystem") == ecosystem
    }


def copy_matching(src, dst, keep):
    os.makedirs(dst, exist_ok=True)
    n = 0
    for f in sorted(os.listdir(src)):
        if not f.endswith(".json"):
            continue
        with open(os.path.join(src, f), "rb") as fh:
            raw = fh.read()
        if keep(f, json.loads(raw)):
            with open(os.path.join(dst, f), "wb") as fh:
                fh.write(raw)
            n += 1
    return n


shutil.rmtree(OUT, ignore_errors=True)
counts = {
    "AlmaLinux9": copy_matching(
        os.path.join(SHARED, "AlmaLinux", "almalinux9"),
        os.path.join(OUT, "AlmaLinux9"),
        lambda f, r: bool(names(r, "AlmaLinux:9") & ALMA),
    ),
    "Go": copy_matching(
        os.path.join(SHARED, "Go"),
        os.path.join(OUT, "Go"),
        lambda f, r: any(n in GO or n.startswith("golang.org/x/") for n in names(r)),
    ),
    "PyPI": copy_matching(os.path.join(SHARED, "PyPI"), os.path.join(OUT, "PyPI"), lambda f, r: f[:-5] in PYPI),
}
print(counts)
