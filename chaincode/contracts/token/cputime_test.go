package token_test

import (
	"syscall"
	"testing"
	"time"
)

// reportCPU adds "cpu-ns/op" to a benchmark: the process's CPU time (user
// and system, the garbage collector included) per operation between the
// timer's reset and the returned function's call. On a shared, loaded box
// wall time per operation mostly measures the neighbours; CPU time is
// what a transfer costs the chaincode process.
func reportCPU(b *testing.B) (stop func()) {
	start := cpuTime(b)
	return func() {
		b.ReportMetric(float64((cpuTime(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func cpuTime(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
