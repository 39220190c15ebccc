package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

func TestBadRequestsNameTheField(t *testing.T) {
	long := strings.Repeat("k", 129)
	tests := []struct {
		name        string
		method      string
		path        string
		body        string
		contentType string
		status      int
		code        string
		field       string
		detail      string
	}{
		{"wrong type", "PUT", "/v1/probe/public/k", `{"value":5}`, "", 400, CodeBadInput, "value", "value: expected string, got JSON number"},
		{"unknown field", "PUT", "/v1/probe/public/k", `{"value":"v","valeu":"w"}`, "", 400, CodeBadInput, "valeu", "valeu: unknown field; known fields: value"},
		{"duplicate key", "PUT", "/v1/probe/public/k", `{"value":"v","value":"w"}`, "", 400, CodeBadInput, "value", "value: duplicate key"},
		{"trailing data", "PUT", "/v1/probe/public/k", `{"value":"v"} {"value":"w"}`, "", 400, CodeBadInput, "", "invalid JSON at offset 14: data after the top-level value"},
		{"fractional number", "PUT", "/v1/probe/public/k", `{"value":1.5}`, "", 400, CodeBadInput, "value", "value: number 1.5 is not an integer; send decimal values as strings"},
		{"truncated", "PUT", "/v1/probe/public/k", `{"value":"v"`, "", 400, CodeBadInput, "", "invalid JSON at offset 12: unexpected end of input in object"},
		{"null body", "PUT", "/v1/probe/public/k", `null`, "", 400, CodeBadInput, "", "a JSON object is required as the request body"},
		{"missing value", "PUT", "/v1/probe/public/k", `{}`, "", 400, CodeBadInput, "value", "value: required"},
		{"value too long", "PUT", "/v1/probe/public/k", `{"value":"` + strings.Repeat("x", 4097) + `"}`, "", 400, CodeBadInput, "value", "value: at most 4096 bytes, got 4097"},
		{"not JSON", "PUT", "/v1/probe/public/k", `value=v`, "application/x-www-form-urlencoded", 415, CodeUnsupportedMediaType, "", `Content-Type "application/x-www-form-urlencoded": send application/json`},
		{"path parameter too long", "GET", "/v1/probe/public/" + long, "", "", 400, CodeBadInput, "key", "key: at most 128 bytes, got 129"},
		{"collection pattern", "GET", "/v1/probe/private/bad%20name/k", "", "", 400, CodeBadInput, "collection", `collection: "bad name" does not match ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`},
		{"body where none is taken", "GET", "/v1/whoami", `{}`, "", 400, CodeBadInput, "", "this operation takes no request body"},
		{"query enum", "GET", "/v1/events?order=sideways", "", "", 400, CodeBadInput, "order", `order: "sideways" is not one of asc, desc`},
		{"query integer", "GET", "/v1/events?limit=0", "", "", 400, CodeBadInput, "limit", `limit: want 1 to 500, got "0"`},
		{"query time", "GET", "/v1/events?from=yesterday", "", "", 400, CodeBadInput, "from", `from: "yesterday" is not an RFC 3339 time such as 2025-01-31T00:00:00Z`},
		{"cursor", "GET", "/v1/events?after=nonsense", "", "", 400, CodeBadInput, "after", "after: not a cursor returned by this endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			a := ts.do(req{method: tt.method, path: tt.path, token: adminToken, body: tt.body, contentType: tt.contentType})
			if a.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.Status, tt.status, a.Body)
			}
			p := a.problem(t)
			if p.Code != tt.code || p.Field != tt.field || p.Detail != tt.detail {
				t.Errorf("got code %s field %q detail %q\nwant code %s field %q detail %q", p.Code, p.Field, p.Detail, tt.code, tt.field, tt.detail)
			}
			if len(ts.ledger.calls) != 0 {
				t.Error("a bad request reached the ledger")
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	ts := newTestServer(t, func(c *config.Config, _ *Deps) { c.MaxBodyBytes = 64 })
	body := `{"value":"` + strings.Repeat("x", 100) + `"}`
	for _, key := range []string{"", "with-key"} {
		a := ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: body, idemKey: key})
		if a.Status != http.StatusRequestEntityTooLarge || a.problem(t).Code != CodePayloadTooLarge {
			t.Fatalf("key %q: %d %s", key, a.Status, a.Body)
		}
	}
}
