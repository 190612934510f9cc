package main

import "syscall"

// childAttr makes the kernel kill the site if this process dies first,
// so that no site outlives a crashed or killed load test.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
