package tnet

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// EnvInt reads a positive whole number from the environment variable
// name (a benchmark's size or count), or def when it is unset; anything
// else fails the test naming the variable.
func EnvInt(t testing.TB, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s: %q is not a positive count", name, s)
	}
	return n
}

// EnvInts reads a comma-separated list of positive whole numbers (a
// benchmark's levels: client counts, concurrencies, chunk sizes), or def
// when the variable is unset.
func EnvInts(t testing.TB, name string, def []int) []int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: %q is not a positive whole number (want them separated by commas)", name, s, f)
		}
		out = append(out, n)
	}
	return out
}
