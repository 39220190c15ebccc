package resources

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/internal/endorse"
)

// TestEveryResourceIsDocumented: every /v1 operation in the OpenAPI
// document has a summary, roles or an explicit "any user", a response
// schema, its errors, and names the chaincode functions it runs, each of
// which is in the endorsement table.
func TestEveryResourceIsDocumented(t *testing.T) {
	ts := newTestServer(t)
	a := ts.do("GET", "/openapi.json", "", "")
	if a.Status != http.StatusOK {
		t.Fatal(a.Status)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Summary     string                                     `json:"summary"`
			Roles       []string                                   `json:"x-roles"`
			Chaincode   *struct{ Transaction, Endorsement string } `json:"x-chaincode"`
			Functions   []string                                   `json:"x-chaincode-functions"`
			Responses   map[string]any                             `json:"responses"`
			RequestBody *struct {
				Content map[string]any `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(a.Body, &doc); err != nil {
		t.Fatal(err)
	}
	functions := map[string]bool{}
	ops := 0
	for path, methods := range doc.Paths {
		if !strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/v1/probe") {
			continue
		}
		for method, op := range methods {
			ops++
			where := strings.ToUpper(method) + " " + path
			if op.Summary == "" {
				t.Errorf("%s: no summary", where)
			}
			if op.Responses["401"] == nil || op.Responses["400"] == nil {
				t.Errorf("%s: errors undocumented: %v", where, op.Responses)
			}
			var fns []string
			if op.Chaincode != nil {
				fns = append(fns, op.Chaincode.Transaction)
				if op.Chaincode.Endorsement == "" {
					t.Errorf("%s: %s has no endorsement kind", where, op.Chaincode.Transaction)
				}
			}
			fns = append(fns, op.Functions...)
			for _, fn := range fns {
				if _, ok := endorse.Kind(fn); !ok {
					t.Errorf("%s runs %s, which is not in the endorsement table", where, fn)
				}
				functions[fn] = true
			}
		}
	}
	// Every chaincode function of the contracts the brief lists has a
	// REST face, except the consortium's one-time Init and the batch reads
	// the event listener uses for the read model (a client reads one
	// position or balance through its resource).
	listenerOnly := map[string]bool{"Admin:Init": true, "Token:Positions": true, "Cash:Balances": true}
	for _, fn := range endorse.Functions() {
		if !functions[fn] && !listenerOnly[fn] {
			t.Errorf("%s has no resource", fn)
		}
	}
	if ops < 70 {
		t.Errorf("only %d operations documented", ops)
	}
	docs := ts.do("GET", "/docs", "", "")
	if docs.Status != http.StatusOK || !strings.Contains(docs.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/docs: %d %v", docs.Status, docs.Header)
	}
}
