package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

func TestHealthAndReadiness(t *testing.T) {
	ts := newTestServer(t)
	if a := ts.do(req{method: "GET", path: "/healthz"}); a.Status != 200 || string(a.Body) != `{"status":"ok"}`+"\n" {
		t.Fatalf("healthz %d %s", a.Status, a.Body)
	}
	a := ts.do(req{method: "GET", path: "/readyz"})
	var r ReadyReport
	a.json(t, &r)
	if a.Status != 200 || r.Status != "ready" || r.Height != 42 {
		t.Fatalf("readyz %d %s", a.Status, a.Body)
	}

	for _, cause := range []error{
		&ledger.Error{Kind: ledger.KindUnavailable, Message: "connection refused"},
		&ledger.Error{Kind: ledger.KindRefused, Code: "FORBIDDEN", Message: "access denied"},
		errors.New("context deadline exceeded"),
	} {
		down := newTestServer(t, func(_ *config.Config, d *Deps) {
			d.Ready = func(context.Context) (ReadyReport, error) { return ReadyReport{}, cause }
		})
		a = down.do(req{method: "GET", path: "/readyz"})
		p := a.problem(t)
		if a.Status != 503 || a.Header.Get("Retry-After") == "" || p.Code != CodeLedgerUnavailable {
			t.Fatalf("readyz with %v: %d %s", cause, a.Status, a.Body)
		}
	}
}

func TestMetricsCountRequestsByRouteAndStatus(t *testing.T) {
	ts := newTestServer(t)
	ts.do(req{method: "GET", path: "/v1/probe/public/a", token: adminToken})
	ts.do(req{method: "GET", path: "/v1/probe/public/b", token: adminToken})
	ts.do(req{method: "GET", path: "/v1/probe/public/c", token: trusteeToken})
	ts.do(req{method: "GET", path: "/nowhere"})
	a := ts.do(req{method: "GET", path: "/metrics"})
	body := string(a.Body)
	for _, want := range []string{
		`tranchenet_gateway_http_requests_total{method="GET",route="/v1/probe/public/{key}",status="200"} 2`,
		`tranchenet_gateway_http_requests_total{method="GET",route="/v1/probe/public/{key}",status="403"} 1`,
		`tranchenet_gateway_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`tranchenet_gateway_http_request_duration_seconds_count{method="GET",route="/v1/probe/public/{key}"} 3`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if !strings.HasPrefix(a.Header.Get("Content-Type"), "text/plain; version=0.0.4") { // Prometheus text format
		t.Errorf("Content-Type %q", a.Header.Get("Content-Type"))
	}
	if a.Status != http.StatusOK {
		t.Fatal(a.Status)
	}
}
