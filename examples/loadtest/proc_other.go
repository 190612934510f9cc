//go:build !linux

package main

import "syscall"

// childAttr returns nil: only Linux can tie the site's life to this
// process; elsewhere the site is stopped by Stop alone.
func childAttr() *syscall.SysProcAttr { return nil }
