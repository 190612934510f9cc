#!/usr/bin/env bash
# govulncheck against the Go vulnerability database, built offline from the
# golang.org/x/vulndb module that the Go module proxy serves (the database's
# own web site may be out of reach). Fails on a vulnerability in a module
# Folio requires that its code reaches; reports, without failing, those in
# the standard library, which belong to the Go toolchain that builds the
# host's program.
set -euo pipefail
cd "$(dirname "$0")/.."

vulndb=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018
govulncheck=golang.org/x/vuln/cmd/govulncheck@v1.9.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$(go mod download -json "$vulndb" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
GOFLAGS=-mod=mod go run "${vulndb%@*}/cmd/indexdb@${vulndb#*@}" -vulns "$src/data/osv" -out "$work/db"
go run "$govulncheck" -db "file://$work/db" -format json ./... >"$work/report.json"

python3 - "$work/report.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
dec, i, called = json.JSONDecoder(), 0, {}
while True:
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    obj, i = dec.raw_decode(text, i)
    f = obj.get("finding")
    if f and f.get("trace") and f["trace"][0].get("function"):
        called.setdefault(f["trace"][0].get("module", "?"), set()).add(f["osv"])
std = sorted(called.pop("stdlib", set()))
if std:
    print(f"govulncheck: the Go toolchain's standard library has {len(std)} vulnerabilities Folio's code reaches"
          f" (fixed by a newer Go release): {', '.join(std)}")
for mod, ids in sorted(called.items()):
    print(f"govulncheck: {mod}: {', '.join(sorted(ids))}")
if called:
    sys.exit("govulncheck: vulnerable modules reached; upgrade them")
print("govulncheck: no vulnerable module reached")
PY
