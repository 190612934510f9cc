package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// profileFlags are -cpuprofile and -memprofile: pprof profiles of the
// whole time the site serves, written when it shuts down, as go test
// writes them. A load test uses them to see where the time goes.
type profileFlags struct {
	cpu, mem string
}

// addProfileFlags registers -cpuprofile and -memprofile on fs.
func addProfileFlags(fs *flag.FlagSet, cfg *config) {
	fs.StringVar(&cfg.profile.cpu, "cpuprofile", "", "write a CPU profile of the whole run to `FILE` at shut-down")
	fs.StringVar(&cfg.profile.mem, "memprofile", "", "write an allocation profile to `FILE` at shut-down")
}

// startProfiles starts the CPU profile if asked for and returns the
// function that stops it and writes the allocation profile.
func startProfiles(p profileFlags) (stop func() error, err error) {
	var cpu *os.File
	if p.cpu != "" {
		if cpu, err = os.Create(p.cpu); err != nil {
			return nil, fmt.Errorf("-cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, fmt.Errorf("-cpuprofile: %w", err)
		}
	}
	return func() error {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				return fmt.Errorf("-cpuprofile: %w", err)
			}
		}
		if p.mem == "" {
			return nil
		}
		f, err := os.Create(p.mem)
		if err != nil {
			return fmt.Errorf("-memprofile: %w", err)
		}
		runtime.GC()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			f.Close()
			return fmt.Errorf("-memprofile: %w", err)
		}
		return f.Close()
	}, nil
}
