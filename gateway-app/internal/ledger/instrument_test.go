package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/gateway-app/internal/logctx"
	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
)

type scripted struct {
	res Result
	err error
}

func (s scripted) Evaluate(context.Context, string, Tx) (Result, error) { return s.res, s.err }
func (s scripted) Submit(context.Context, string, Tx) (Result, error)   { return s.res, s.err }

func TestInstrumentLogsTheTransactionAndTimesIt(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logctx.NewHandler(slog.NewJSONHandler(&buf, nil)))
	reg := metrics.NewRegistry()
	ctx := logctx.With(context.Background(), slog.String("request_id", "r-1"))

	ok := Instrument(scripted{res: Result{TxID: "tx-ok", Block: 12}}, log, reg)
	ok.Submit(ctx, "Admin", Tx{Fn: "Probe:PutPublic"})
	refused := Instrument(scripted{err: &Error{Kind: KindRefused, Code: errs.NotFound, Message: "gone", TxID: "tx-no"}}, log, metrics.NewRegistry())
	refused.Submit(ctx, "User1", Tx{Fn: "Probe:PutPublic"})

	var lines []map[string]any
	for _, raw := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var m map[string]any
		json.Unmarshal(raw, &m)
		lines = append(lines, m)
	}
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	if l := lines[0]; l["tx_id"] != "tx-ok" || l["block"] != float64(12) || l["outcome"] != "ok" || l["request_id"] != "r-1" || l["msg"] != "ledger submit" {
		t.Errorf("success line %v", l)
	}
	if l := lines[1]; l["tx_id"] != "tx-no" || l["outcome"] != "refused" || l["level"] != "INFO" || !strings.Contains(l["error"].(string), "NOT_FOUND") {
		t.Errorf("refusal line %v", l)
	}
	b := scrape(t, reg)
	if !strings.Contains(b, `tranchenet_gateway_ledger_call_duration_seconds_count{fn="Probe:PutPublic",kind="submit",outcome="ok"} 1`) {
		t.Errorf("metrics:\n%s", b)
	}
}

// scrape returns the registry's text exposition, as /metrics serves it.
func scrape(t *testing.T, reg *metrics.Registry) string {
	t.Helper()
	w := httptest.NewRecorder()
	reg.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	return w.Body.String()
}
