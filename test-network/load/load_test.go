package load

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestRunCountsAndBounds(t *testing.T) {
	r := Run(context.Background(), Config{Name: "x", Clients: 4, Total: 100, Duration: time.Minute},
		func(ctx context.Context, c, i int) error {
			if i%10 == 0 {
				return errors.New("boom")
			}
			return nil
		})
	if r.Done != 90 || r.Errors != 10 || r.FirstError != "boom" {
		t.Fatalf("got %+v", r)
	}
	if r.P50Millis > r.P99Millis || r.P99Millis > r.MaxMillis {
		t.Fatalf("percentiles out of order: %+v", r)
	}
}

func TestRunStopsAtDuration(t *testing.T) {
	r := Run(context.Background(), Config{Name: "slow", Clients: 2, Total: 1 << 30, Duration: 200 * time.Millisecond},
		func(ctx context.Context, c, i int) error {
			select {
			case <-time.After(10 * time.Millisecond):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	if r.Done == 0 || r.Done > 100 || r.Errors != 0 {
		t.Fatalf("got %+v", r)
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if percentile(d, 50) != 50*time.Millisecond || percentile(d, 99) != 99*time.Millisecond {
		t.Fatalf("p50 %v p99 %v", percentile(d, 50), percentile(d, 99))
	}
}

// With PerClient every client runs exactly its own operations, however
// unevenly fast the clients are.
func TestRunPerClientGivesEachClientItsOwn(t *testing.T) {
	var mu sync.Mutex
	seen := map[int][]int{}
	r := Run(context.Background(), Config{Name: "own", Clients: 3, PerClient: 4, Duration: time.Minute},
		func(ctx context.Context, c, i int) error {
			if c == 0 {
				time.Sleep(5 * time.Millisecond) // a slow client must not lose its share
			}
			mu.Lock()
			seen[c] = append(seen[c], i)
			mu.Unlock()
			return nil
		})
	if r.Done != 12 {
		t.Fatalf("done %d, want 12", r.Done)
	}
	for c := range 3 {
		want := []int{4 * c, 4*c + 1, 4*c + 2, 4*c + 3}
		if !slices.Equal(seen[c], want) {
			t.Errorf("client %d ran %v, want %v", c, seen[c], want)
		}
	}
}
