package throughput

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Profilers are the peers that serve Go profiles (network.sh started with
// TRANCHENET_PEER_PPROF): peer name to its loopback host:port, as the run
// folder's pprof/ records them.
type Profilers map[string]string

// ReadProfilers reads run/pprof/*. No folder, or an empty one, is no
// profiler: the network was started without profiles.
func ReadProfilers(run string) (Profilers, error) {
	files, err := filepath.Glob(filepath.Join(run, "pprof", "*"))
	if err != nil {
		return nil, err
	}
	out := Profilers{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out[filepath.Base(f)] = strings.TrimSpace(string(raw))
	}
	return out, nil
}

// Recorder profiles every peer, phase after phase, into one folder. Its
// files are numbered in the order the phases ran, so a folder lists as
// the run went. It is not safe for concurrent use.
type Recorder struct {
	peers Profilers
	dir   string
	secs  int
	count int
}

// NewRecorder records the profiles of run's peers into dir (made if
// missing), secs seconds a phase. A run whose peers serve no profiles
// (network.sh without TRANCHENET_PEER_PPROF) is an error.
func NewRecorder(run, dir string, secs int) (*Recorder, error) {
	peers, err := ReadProfilers(run)
	if err != nil {
		return nil, err
	}
	if len(peers) == 0 {
		return nil, fmt.Errorf("no peer serves profiles (%s is empty; start the network with TRANCHENET_PEER_PPROF)", filepath.Join(run, "pprof"))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Recorder{peers: peers, dir: dir, secs: max(secs, 1)}, nil
}

// Peers is how many peers each phase profiles.
func (r *Recorder) Peers() int { return len(r.peers) }

// Start profiles a phase that starts now, its files named
// <number>-<label>-<peer>.pprof; wait returns when they are written. A nil
// Recorder (no profiles asked for) profiles nothing.
func (r *Recorder) Start(label string) (wait func() error) {
	if r == nil {
		return func() error { return nil }
	}
	r.count++
	slug := strings.NewReplacer(" ", "_", "=", "", "/", "_").Replace(label)
	return r.peers.CPUProfiles(context.Background(), r.dir, fmt.Sprintf("%03d-%s", r.count, slug), r.secs)
}

// CPUProfiles asks every peer for a CPU profile of the next secs seconds
// and writes each to dir/<prefix>-<peer>.pprof. It returns at once; wait
// returns when every profile is written (or failed), with the first
// error. A Go profile cannot be cut short without losing it (the handler
// writes nothing when its request is cancelled), so a phase is profiled
// over a fixed span: its first secs seconds, idle time after it included
// if it ends sooner (idle costs few samples).
func (p Profilers) CPUProfiles(ctx context.Context, dir, prefix string, secs int) (wait func() error) {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	client := &http.Client{Timeout: time.Duration(secs)*time.Second + 30*time.Second}
	for peer, addr := range p {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := fetchProfile(ctx, client, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs),
				filepath.Join(dir, prefix+"-"+peer+".pprof"))
			if err != nil {
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("profile of %s: %w", peer, err)
				}
				mu.Unlock()
			}
		}()
	}
	return func() error {
		wg.Wait()
		return first
	}
}

func fetchProfile(ctx context.Context, client *http.Client, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(path, body, 0o644)
}
