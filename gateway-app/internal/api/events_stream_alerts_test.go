package api

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/alerts"
)

// An alert raised while a client watches the live event stream reaches it
// as `event: alert` with the alert's JSON, between the ledger's events.
func TestEventStreamCarriesAlerts(t *testing.T) {
	hub := alerts.NewHub()
	ts := newTestServer(t, func(_ *config.Config, d *Deps) { d.Alerts = hub })
	srv := httptest.NewServer(ts.handler)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/events/stream", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "retry:") {
	}
	due := time.Date(2026, 6, 13, 0, 0, 0, 0, time.UTC)
	hub.Publish(alerts.Alert{Source: "scheduler", Deal: "AUTO-1", Period: 2, Step: "certify", Due: due,
		Missing: []string{"report for period 2 is not submitted"}, Raised: due.Add(24 * time.Hour)})
	var event string
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "event: "); ok {
			event = v
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			continue
		}
		var a alerts.Alert
		if err := json.Unmarshal([]byte(data), &a); err != nil {
			t.Fatal(err)
		}
		if event != "alert" || a.Name != alerts.EventName || a.Deal != "AUTO-1" || a.Step != "certify" || !a.Due.Equal(due) ||
			len(a.Missing) != 1 || a.Missing[0] != "report for period 2 is not submitted" {
			t.Fatalf("event %q: %+v", event, a)
		}
		return
	}
	t.Fatalf("the stream ended without the alert: %v", sc.Err())
}
