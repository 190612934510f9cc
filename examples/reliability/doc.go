// Package reliability holds Folio's end-to-end crash, failover, flood and hostile-input tests; it has no code of its own.
//
// # What runs
//
// The tests build the demo site (examples/site) once into a temporary
// directory and drive the real binary over HTTP: they kill it with SIGKILL
// while comments are being written and check that every acknowledged
// comment survived; flood it from one address while other visitors keep
// using it; send it hostile forms, paths and headers; and, when
// FOLIO_TEST_POSTGRES names a PostgreSQL server, run two instances on one
// database and cut their connections.
//
// # Running
//
//	go test ./examples/reliability/
//
// runs the short variants (about a minute). The soak variants run longer
// and harder:
//
//	go test ./examples/reliability/ -long
//	FOLIO_LONG=1 go test ./examples/reliability/
//
// The PostgreSQL tests need a server; .ci/postgres.sh starts a throw-away
// one and sets FOLIO_TEST_POSTGRES. Without it they are skipped, saying so.
package reliability
