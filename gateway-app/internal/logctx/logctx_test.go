package logctx

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
)

func TestContextAttributesReachEveryLine(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(slog.NewJSONHandler(&buf, nil))).With("component", "test")
	ctx := With(context.Background(), slog.String("request_id", "r1"))
	txCtx := With(ctx, slog.String("tx_id", "abc"))

	log.InfoContext(txCtx, "submitted")
	log.InfoContext(ctx, "answered")
	log.Info("no context")

	var lines []map[string]any
	for _, raw := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 3 {
		t.Fatalf("got %d lines", len(lines))
	}
	if lines[0]["request_id"] != "r1" || lines[0]["tx_id"] != "abc" || lines[0]["component"] != "test" {
		t.Errorf("line 1 = %v", lines[0])
	}
	if lines[1]["request_id"] != "r1" || lines[1]["tx_id"] != nil {
		t.Errorf("line 2 = %v: the parent context must not see the child's tx_id", lines[1])
	}
	if lines[2]["request_id"] != nil {
		t.Errorf("line 3 = %v", lines[2])
	}
}
