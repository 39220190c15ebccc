package events

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEnvelopeRoundTripsItsWireForm(t *testing.T) {
	wire := `{"schema":"tranchenet.events/v1","txId":"t1","time":"2026-03-01T10:00:00Z","events":[{"type":"TokenTransferred","data":{"tranche":"A"}}]}`
	var env Envelope
	if err := json.Unmarshal([]byte(wire), &env); err != nil {
		t.Fatal(err)
	}
	if env.Schema != Schema || !strings.HasPrefix(env.Schema, SchemaPrefix) || len(env.Events) != 1 || env.Events[0].Type != "TokenTransferred" {
		t.Fatalf("%+v", env)
	}
	back, err := json.Marshal(env)
	if err != nil || string(back) != wire {
		t.Fatalf("re-encoded %s (%v), want %s", back, err, wire)
	}
}
