#!/usr/bin/env bash
# Regenerates the language fixtures under tests/data/lang/ with the real tools.
# Run from anywhere; needs python3 (with network access to PyPI), node/npm,
# cargo (with crates.io), Debian's golang-go and golang-golang-x-text-dev.
# The results are small text files committed beside this script, so the tests
# themselves need none of these tools.
#
# Usage: make-fixtures.sh [python|npm|npm_link|cargo]...   (default: all)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PY="${PYTHON:-python3}"

python_fixtures() {
    local out="$HERE/python"
    rm -rf "$out" && mkdir -p "$out"
    "$PY" -m venv "$WORK/tools"
    "$WORK/tools/bin/pip" install -q poetry==2.5.1 uv==0.13.9 pdm==2.29.4 pipenv==2026.10.3 "hishel<2"
    local T="$WORK/tools/bin"

    # Installed metadata: a virtualenv (site-packages) and a pip --target tree.
    "$PY" -m venv "$WORK/venv"
    "$WORK/venv/bin/pip" install -q --no-deps attrs==25.3.0 six==1.16.0 typing_extensions==4.12.2 \
        jaraco.classes==3.4.0 more-itertools==10.5.0
    "$WORK/venv/bin/pip" install -q --no-deps --target "$WORK/target" idna==3.7
    local sp
    sp="$(echo "$WORK"/venv/lib/python3*/site-packages)"
    for d in "$sp"/*.dist-info "$WORK"/target/*.dist-info; do
        mkdir -p "$out/site-packages/$(basename "$d")"
        # Headers verbatim; the long description after them is cut to three lines.
        awk 'body && ++n > 3 { exit } { print } /^$/ { body = 1 }' "$d/METADATA" \
            > "$out/site-packages/$(basename "$d")/METADATA"
    done
    # An egg-info directory as setuptools writes it for a source checkout.
    mkdir -p "$WORK/eggproj"
    cat > "$WORK/eggproj/setup.py" <<'PY'
from setuptools import setup
setup(name="Drydock_Egg.Demo", version="0.3.1", license="BSD-3-Clause",
      install_requires=["six>=1.16"],
      classifiers=["License :: OSI Approved :: BSD License"])
PY
    (cd "$WORK/eggproj" && "$WORK/tools/bin/python" setup.py -q egg_info)
    mkdir -p "$out/site-packages/Drydock_Egg.Demo.egg-info"
    cp "$WORK/eggproj/Drydock_Egg.Demo.egg-info/PKG-INFO" "$out/site-packages/Drydock_Egg.Demo.egg-info/PKG-INFO"

    # requirements.txt as pip freeze writes it.
    "$WORK/venv/bin/pip" freeze > "$out/requirements.txt"

    # One project, locked by each tool. attrs and jaraco.classes are runtime
    # dependencies, six is a development dependency.
    mkdir -p "$WORK/proj"
    cat > "$WORK/proj/pyproject.toml" <<'TOML'
[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["attrs==25.3.0", "jaraco.classes==3.4.0"]

[dependency-groups]
dev = ["six==1.16.0"]

[tool.pdm]
distribution = false
TOML
    (cd "$WORK/proj" && "$T/uv" lock -q && cp uv.lock "$out/uv.lock")
    # A hashed requirements file with markers, as `uv export` writes it, and a
    # file including it with `-r`.
    (cd "$WORK/proj" && "$T/uv" export -q --frozen --all-groups -o "$out/requirements-hashed.txt")
    printf '%s\n' '# includes the hashed file' '-r requirements-hashed.txt' 'idna==3.7 ; python_version >= "3.6"' \
        'requests>=2.0  # not pinned: skipped' > "$out/requirements-dev.txt"
    (cd "$WORK/proj" && "$T/pdm" lock -q -G dev && cp pdm.lock "$out/pdm.lock")
    # Poetry asks PyPI's JSON API, which is not reachable here; an explicit
    # simple-index source makes it use the same index as pip.
    cat >> "$WORK/proj/pyproject.toml" <<'TOML'

[[tool.poetry.source]]
name = "pypi-simple"
url = "https://pypi.org/simple/"
priority = "primary"
TOML
    (cd "$WORK/proj" && rm -f uv.lock pdm.lock && "$T/poetry" lock -q && cp poetry.lock "$out/poetry.lock")
    # The manifest beside the locks names their direct and dev dependencies.
    cp "$WORK/proj/pyproject.toml" "$out/pyproject.toml"
    mkdir -p "$WORK/pipenv"
    cat > "$WORK/pipenv/Pipfile" <<'TOML'
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
attrs = "==25.3.0"
"jaraco.classes" = "==3.4.0"

[dev-packages]
six = "==1.16.0"

[requires]
python_version = "3.11"
TOML
    (cd "$WORK/pipenv" && PIPENV_VENV_IN_PROJECT=1 PIPENV_PYTHON="$PY" "$T/pipenv" lock >/dev/null 2>&1 && cp Pipfile.lock Pipfile "$out/")
}

npm_fixtures() {
    # The npm registry is not reachable here, so the packages are local
    # tarballs made by `npm pack`: a@1.2.3 needs @demo/b@1.0.0, the project
    # needs a and @demo/b@2.0.0 (so npm nests the older b under a), and d as a
    # development dependency.
    local out="$HERE/npm" src="$WORK/npm"
    rm -rf "$out"/v1 "$out"/v2 "$out"/v3 "$out"/shrinkwrap
    mkdir -p "$src"/{b1,b2,a,d,tgz}
    echo '{"name":"@demo/b","version":"1.0.0","license":"MIT"}' > "$src/b1/package.json"
    echo '{"name":"@demo/b","version":"2.0.0","license":"ISC"}' > "$src/b2/package.json"
    echo '{"name":"a","version":"1.2.3","license":"Apache-2.0","dependencies":{"@demo/b":"file:../tgz/demo-b-1.0.0.tgz"}}' > "$src/a/package.json"
    echo '{"name":"d","version":"0.4.0","licenses":[{"type":"BSD-2-Clause"}]}' > "$src/d/package.json"
    for p in b1 b2 a d; do (cd "$src/$p" && npm pack -q --pack-destination ../tgz >/dev/null 2>&1); done
    for v in 1 2 3; do
        mkdir -p "$src/proj$v"
        echo '{"name":"proj","version":"0.0.1","dependencies":{"a":"file:../tgz/a-1.2.3.tgz","@demo/b":"file:../tgz/demo-b-2.0.0.tgz"},"devDependencies":{"d":"file:../tgz/d-0.4.0.tgz"}}' \
            > "$src/proj$v/package.json"
        (cd "$src/proj$v" && npm install -q --offline --no-audit --no-fund --lockfile-version "$v" >/dev/null)
        mkdir -p "$out/v$v"
        cp "$src/proj$v/package.json" "$src/proj$v/package-lock.json" "$out/v$v/"
    done
    # The installed tree (package.json files only) beside the v3 lockfile.
    (cd "$src/proj3" && find node_modules -name package.json -not -path '*/.package-lock.json' | while read -r f; do
        mkdir -p "$out/v3/$(dirname "$f")" && cp "$f" "$out/v3/$f"; done)
    (cd "$src/proj3" && npm shrinkwrap -q >/dev/null 2>&1 && mkdir -p "$out/shrinkwrap" && cp npm-shrinkwrap.json "$out/shrinkwrap/")
}

npm_link_fixtures() {
    # A project needing a local directory (`file:../lib`, which npm links) and
    # a workspace package: both are the project's own code.
    local out="$HERE/npm/v3-link" src="$WORK/npm-link"
    rm -rf "$out" && mkdir -p "$out" "$src/lib" "$src/proj/packages/w"
    echo '{"name":"mylib","version":"3.1.0","license":"MIT"}' > "$src/lib/package.json"
    echo '{"name":"@proj/w","version":"0.2.0"}' > "$src/proj/packages/w/package.json"
    echo '{"name":"proj","version":"1.0.0","workspaces":["packages/w"],"dependencies":{"mylib":"file:../lib"}}' \
        > "$src/proj/package.json"
    (cd "$src/proj" && npm install -q --offline --no-audit --no-fund >/dev/null)
    cp "$src/proj/package.json" "$src/proj/package-lock.json" "$out/"
}

cargo_fixtures() {
    # A two-crate workspace: app needs aho-corasick (which needs memchr),
    # bitflags 2 and the path crate util, which needs bitflags 1 and itoa.
    # cargo writes v4; given a v3 file it keeps v3. v1 and v2 cannot be written
    # by today's cargo and are hand-written beside these.
    local out="$HERE/cargo" ws="$WORK/cargo"
    mkdir -p "$ws" && cd "$ws"
    cargo new -q --vcs none app && cargo new -q --vcs none --lib util
    printf '[workspace]\nmembers = ["app", "util"]\nresolver = "2"\n' > Cargo.toml
    printf 'util = { path = "../util" }\naho-corasick = "=1.1.3"\nbitflags = "=2.6.0"\n' >> app/Cargo.toml
    printf 'bitflags1 = { package = "bitflags", version = "=1.3.2" }\nitoa = "=1.0.11"\n' >> util/Cargo.toml
    printf 'pub fn add(a: u64, b: u64) -> String {\n    itoa::Buffer::new().format(a + b).to_string()\n}\n' > util/src/lib.rs
    printf 'fn main() {\n    let ac = aho_corasick::AhoCorasick::new(["a"]).unwrap();\n    println!("{} {}", ac.patterns_len(), util::add(1, 2));\n}\n' > app/src/main.rs
    cargo generate-lockfile -q
    cargo update -q -p memchr --precise 2.8.3
    mkdir -p "$out/v4" "$out/v3" "$out/auditable"
    cp Cargo.lock "$out/v4/Cargo.lock"
    sed -i 's/^version = 4/version = 3/' Cargo.lock && cargo update -q -p memchr --precise 2.8.3
    cp Cargo.lock "$out/v3/Cargo.lock"
    # The dependency JSON cargo-auditable (0.7.7) embeds, decompressed as text.
    cargo auditable build -q
    objcopy --dump-section .dep-v0="$WORK/dep.bin" target/debug/app
    "$PY" -c 'import json,sys,zlib; d=json.loads(zlib.decompress(open(sys.argv[1],"rb").read())); print(json.dumps(d, indent=1))' \
        "$WORK/dep.bin" > "$out/auditable/app.dep-v0.json"
    cd - >/dev/null
}

[ $# -gt 0 ] || set -- python npm npm_link cargo
for what in "$@"; do
    "${what}_fixtures"
done
