// Package readme keeps README.md honest: its test builds every Go program
// the README shows and runs the embedding one.
package readme
