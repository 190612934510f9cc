#!/usr/bin/env bash
# govulncheck against the Go vulnerability database, built offline from the
# golang.org/x/vulndb module that the Go module proxy serves (the database's
# own web site may be out of reach), with the Go toolchain the go command
# selects (GOTOOLCHAIN). Fails on a vulnerability in a module Folio requires
# that its code reaches. Those in the standard library belong to the Go
# toolchain that builds the host's program: by default they are reported
# without failing (go.mod's go line is the oldest Go Folio supports, not the
# one to build with); with -stdlib=fail they fail too, which CI asks of the
# Go release README.md recommends for production.
#
# Usage: .ci/vulncheck.sh [-stdlib=report|-stdlib=fail]
set -euo pipefail
cd "$(dirname "$0")/.."

stdlib=report
for arg in "$@"; do
	case "$arg" in
	-stdlib=report | -stdlib=fail) stdlib=${arg#-stdlib=} ;;
	*) echo "usage: $0 [-stdlib=report|-stdlib=fail]" >&2; exit 2 ;;
	esac
done
echo "govulncheck: $(go env GOVERSION), standard library findings: $stdlib"

vulndb=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018
govulncheck=golang.org/x/vuln/cmd/govulncheck@v1.9.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$(go mod download -json "$vulndb" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
GOFLAGS=-mod=mod go run "${vulndb%@*}/cmd/indexdb@${vulndb#*@}" -vulns "$src/data/osv" -out "$work/db"
go run "$govulncheck" -db "file://$work/db" -format json ./... >"$work/report.json"

python3 - "$work/report.json" "$stdlib" <<'PY'
import json, sys
text, stdlib = open(sys.argv[1]).read(), sys.argv[2]
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
if std and stdlib == "fail":
    sys.exit("govulncheck: vulnerable standard library reached; build with a Go release that fixes it")
print("govulncheck: no vulnerable module reached" + ("" if std else ", nor the standard library"))
PY
