package tnet

import (
	"slices"
	"testing"
)

func TestEnvIntsAndEnvInt(t *testing.T) {
	t.Setenv("TNET_TEST_LEVELS", " 1, 8 ,32")
	if got := EnvInts(t, "TNET_TEST_LEVELS", []int{64}); !slices.Equal(got, []int{1, 8, 32}) {
		t.Errorf("EnvInts = %v, want [1 8 32]", got)
	}
	if got := EnvInts(t, "TNET_TEST_UNSET", []int{64}); !slices.Equal(got, []int{64}) {
		t.Errorf("EnvInts of an unset variable = %v, want the default [64]", got)
	}
	t.Setenv("TNET_TEST_N", "1000")
	if got := EnvInt(t, "TNET_TEST_N", 5); got != 1000 {
		t.Errorf("EnvInt = %d, want 1000", got)
	}
	if got := EnvInt(t, "TNET_TEST_UNSET", 5); got != 5 {
		t.Errorf("EnvInt of an unset variable = %d, want the default 5", got)
	}
}
