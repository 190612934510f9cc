#!/usr/bin/env bash
# The operations packages under the race detector (opshttp is outside the
# library directories the main race step covers) and the backup archive
# reader's fuzz target, briefly.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -race ./opshttp/
go test -run '^$' -fuzz '^FuzzVerify$' -fuzztime "${FOLIO_FUZZTIME:-8s}" ./storage/backup/
