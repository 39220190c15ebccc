package events

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/gateway-app/internal/metrics"
)

func TestUnpack(t *testing.T) {
	env := `{"schema":"tranchenet.events/v1","txId":"t1","time":"2025-03-01T10:00:00.5Z","events":[` +
		`{"type":"TokenTransferred","data":{"units":5}},{"type":"HolderAdded","data":{"holder":"Org2MSP/ab"}}]}`
	evs, err := Unpack(RawEvent{Block: 9, TxID: "t1", Chaincode: "tranchenet", Name: "tranchenet", Payload: []byte(env)}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	at := time.Date(2025, 3, 1, 10, 0, 0, 5e8, time.UTC)
	for i, want := range []struct{ name, data string }{{"TokenTransferred", `{"units":5}`}, {"HolderAdded", `{"holder":"Org2MSP/ab"}`}} {
		ev := evs[i]
		if ev.Name != want.name || string(ev.Data) != want.data || ev.Index != uint32(i) || ev.TxSeq != 2 || ev.Block != 9 ||
			ev.Schema != EnvelopeSchema || !ev.Time.Equal(at) || ev.ChaincodeEvent != "tranchenet" {
			t.Errorf("event %d = %+v", i, ev)
		}
	}

	plain, err := Unpack(RawEvent{Block: 1, TxID: "p", Name: "Legacy", Payload: []byte(`{"schema":"other/v1"}`)}, 0)
	if err != nil || len(plain) != 1 || plain[0].Name != "Legacy" || plain[0].Schema != "" || string(plain[0].Data) != `{"schema":"other/v1"}` {
		t.Fatalf("a payload that is not a tranchenet envelope is one event named after the chaincode event: %+v %v", plain, err)
	}

	for name, payload := range map[string]string{
		"future schema":  `{"schema":"tranchenet.events/v2","events":[]}`,
		"wrong tx":       `{"schema":"tranchenet.events/v1","txId":"other","events":[]}`,
		"untyped entry":  `{"schema":"tranchenet.events/v1","txId":"t1","events":[{"data":{}}]}`,
		"malformed time": `{"schema":"tranchenet.events/v1","txId":"t1","time":"yesterday","events":[]}`,
	} {
		if _, err := Unpack(RawEvent{Block: 3, TxID: "t1", Payload: []byte(payload)}, 0); err == nil || !strings.Contains(err.Error(), "block 3 tx t1") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestListenerMetrics(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "db"))
	defer db.Close()
	reg := metrics.NewRegistry()
	opts := testOptions()
	opts.Metrics = reg
	opts.Now = func() time.Time { return time.Date(2025, 3, 1, 10, 0, 3, 0, time.UTC) } // 3 s after the envelopes' time
	chain := testChain()
	l := New(db, &fakeSource{chain: chain, closeAfter: 3}, opts)
	runUntil(t, l, func() bool { return appliedEvents(l) == uint64(len(chain)) })
	b := scrape(t, reg)
	for _, want := range []string{
		"tranchenet_gateway_events_checkpoint_block 9\n",
		"tranchenet_gateway_events_lag_seconds 3\n",
		`tranchenet_gateway_events_applied_total{event="Type0"} 5` + "\n",
		`tranchenet_gateway_events_applied_total{event="legacy"} 1` + "\n",
		"tranchenet_gateway_events_stream_up 0\n", // stopped
	} {
		if !strings.Contains(b, want) {
			t.Errorf("metrics lack %q:\n%s", want, b)
		}
	}
	if !strings.Contains(b, "tranchenet_gateway_events_reconnects_total ") {
		t.Error("reconnects not counted")
	}
}

// scrape returns the registry's text exposition, as /metrics serves it.
func scrape(t *testing.T, reg *metrics.Registry) string {
	t.Helper()
	w := httptest.NewRecorder()
	reg.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	return w.Body.String()
}
