package load

import (
	"context"
	"errors"
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
