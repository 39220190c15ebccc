package throughput

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on
// every Linux architecture Go runs on.
const clockTicks = 100

// Processes are the network's processes by name (peer0.org1.example.com,
// orderer1.example.com, chaincode, plaintoken, gateway-Org1MSP…), as the
// run folder's pids/ records them.
type Processes map[string]int

// ReadProcesses reads run/pids/*.pid, skipping processes that are gone.
func ReadProcesses(run string) (Processes, error) {
	files, err := filepath.Glob(filepath.Join(run, "pids", "*.pid"))
	if err != nil {
		return nil, err
	}
	out := Processes{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
			out[strings.TrimSuffix(filepath.Base(f), ".pid")] = pid
		}
	}
	return out, nil
}

// CPU is CPU time per process, in seconds.
type CPU map[string]float64

// Sample reads each process's user+system CPU time so far.
func (p Processes) Sample() CPU {
	out := CPU{}
	for name, pid := range p {
		if s, err := cpuSeconds(pid); err == nil {
			out[name] = s
		}
	}
	return out
}

// cpuSeconds is utime+stime of /proc/<pid>/stat (fields 14 and 15).
func cpuSeconds(pid int) (float64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	s := string(raw)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	fields := strings.Fields(s[end+1:]) // fields[0] is field 3 (state)
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(fields)+2)
	}
	utime, err1 := strconv.ParseFloat(fields[11], 64)
	stime, err2 := strconv.ParseFloat(fields[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: CPU times not numbers", pid)
	}
	return (utime + stime) / clockTicks, nil
}

// PerOp is the CPU each process spent between two samples, in
// milliseconds per operation (ops completed in between).
func PerOp(before, after CPU, ops int) map[string]float64 {
	return PerOpAboveIdle(before, after, ops, nil, 0)
}

// Rate is CPU seconds per second of wall time, per process.
type Rate map[string]float64

// IdleRate is each process's CPU rate between two samples secs apart,
// taken while no load runs: gossip, Raft heartbeats, the listeners' polls.
func IdleRate(before, after CPU, secs float64) Rate {
	out := Rate{}
	for name, a := range after {
		if b, ok := before[name]; ok && a > b && secs > 0 {
			out[name] = (a - b) / secs
		}
	}
	return out
}

// PerOpAboveIdle is PerOp less what each process burns when idle over
// the run's secs (at least zero), so that at one client, where a few
// transactions a second meet the network's steady background, the
// figure is still what a transaction costs.
func PerOpAboveIdle(before, after CPU, ops int, idle Rate, secs float64) map[string]float64 {
	out := map[string]float64{}
	if ops <= 0 {
		return out
	}
	for name, a := range after {
		if b, ok := before[name]; ok && a > b {
			used := max(0, a-b-idle[name]*secs)
			out[name] = round(1000*used/float64(ops), 2)
		}
	}
	return out
}

// Total sums a PerOp map.
func Total(perOp map[string]float64) float64 {
	names := make([]string, 0, len(perOp))
	for n := range perOp {
		names = append(names, n)
	}
	sort.Strings(names) // a fixed order: float sums depend on it
	t := 0.0
	for _, n := range names {
		t += perOp[n]
	}
	return round(t, 2)
}

func round(x float64, places int) float64 {
	p := 1.0
	for i := 0; i < places; i++ {
		p *= 10
	}
	if x < 0 {
		return -float64(int64(-x*p+0.5)) / p
	}
	return float64(int64(x*p+0.5)) / p
}
