package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestOpenAPIDocumentDescribesEveryRoute(t *testing.T) {
	ts := newTestServer(t)
	a := ts.do(req{method: "GET", path: "/openapi.json"})
	if a.Status != http.StatusOK || a.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %v", a.Status, a.Header)
	}
	var doc map[string]any
	a.json(t, &doc)
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi %v", doc["openapi"])
	}
	paths := doc["paths"].(map[string]any)
	ids := map[string]bool{}
	for _, rt := range ts.srv.routes {
		if rt.hidden {
			continue
		}
		op, ok := paths[rt.path].(map[string]any)[strings.ToLower(rt.method)].(map[string]any)
		if !ok {
			t.Fatalf("%s %s missing from the document", rt.method, rt.path)
		}
		id := op["operationId"].(string)
		if ids[id] {
			t.Errorf("operationId %s used twice", id)
		}
		ids[id] = true
		if _, ok := op["responses"].(map[string]any)[http.StatusText(0)]; ok {
			t.Errorf("%s: empty status key", id)
		}
	}

	put := paths["/v1/probe/private/{collection}/{key}"].(map[string]any)["put"].(map[string]any)
	if put["operationId"] != "putProbePrivateByCollectionByKey" {
		t.Errorf("operationId %v", put["operationId"])
	}
	if roles := put["x-roles"].([]any); len(roles) != 1 || roles[0] != "admin" {
		t.Errorf("x-roles %v", roles)
	}
	cc := put["x-chaincode"].(map[string]any)
	if cc["transaction"] != "Probe:PutPrivate" || cc["submit"] != true || cc["transient"].([]any)[0] != "value" {
		t.Errorf("x-chaincode %v", cc)
	}
	var params []string
	for _, p := range put["parameters"].([]any) {
		pm := p.(map[string]any)
		if ref, ok := pm["$ref"]; ok {
			params = append(params, ref.(string))
		} else {
			params = append(params, pm["in"].(string)+":"+pm["name"].(string))
		}
	}
	if want := []string{"path:collection", "path:key", "#/components/parameters/IdempotencyKey"}; !slices.Equal(params, want) {
		t.Errorf("parameters %v, want %v", params, want)
	}
	responses := put["responses"].(map[string]any)
	for _, status := range []string{"200", "400", "401", "403", "409", "422", "503", "504"} {
		if responses[status] == nil {
			t.Errorf("PUT private: no %s response", status)
		}
	}

	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	input := schemas["ProbeInput"].(map[string]any)
	if req := input["required"].([]any); len(req) != 1 || req[0] != "value" {
		t.Errorf("ProbeInput required %v", req)
	}
	problem := schemas["Problem"].(map[string]any)
	for _, field := range []string{"type", "title", "status", "detail", "code", "rule", "field", "row", "txId", "retryAfter"} {
		if problem["properties"].(map[string]any)[field] == nil {
			t.Errorf("Problem schema lacks %s", field)
		}
	}

	// Every $ref points at something that exists.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
				var node any = doc
				for _, p := range parts {
					node = node.(map[string]any)[p]
				}
				if node == nil {
					t.Errorf("dangling $ref %s", ref)
				}
			}
			for _, child := range x {
				walk(child)
			}
		case []any:
			for _, child := range x {
				walk(child)
			}
		}
	}
	walk(doc)

	codes := map[string]bool{}
	for _, c := range doc["x-problem-types"].([]any) {
		codes[c.(map[string]any)["code"].(string)] = true
	}
	for _, c := range []string{"BAD_INPUT", "RULE_KYC_EXPIRED", CodeIdempotencyKeyReused, CodeLedgerUnavailable, CodeOutcomeUnknown} {
		if !codes[c] {
			t.Errorf("x-problem-types lacks %s", c)
		}
	}
}

func TestOpenAPIDocumentIsDeterministic(t *testing.T) {
	a := newTestServer(t).do(req{method: "GET", path: "/openapi.json"})
	b := newTestServer(t).do(req{method: "GET", path: "/openapi.json"})
	if string(a.Body) != string(b.Body) {
		t.Fatal("two servers with the same routes wrote different documents")
	}
	var v any
	if err := json.Unmarshal(a.Body, &v); err != nil {
		t.Fatal(err)
	}
}

func TestDocsPageIsSelfContained(t *testing.T) {
	ts := newTestServer(t)
	for _, tc := range []struct{ path, contentType, contains string }{
		{"/docs", "text/html; charset=utf-8", `<script src="/docs/docs.js"`},
		{"/docs/docs.js", "text/javascript; charset=utf-8", `fetch("/openapi.json")`},
		{"/docs/docs.css", "text/css; charset=utf-8", "font"},
	} {
		a := ts.do(req{method: "GET", path: tc.path})
		if a.Status != 200 || a.Header.Get("Content-Type") != tc.contentType || !strings.Contains(string(a.Body), tc.contains) {
			t.Fatalf("%s: %d %q", tc.path, a.Status, a.Header.Get("Content-Type"))
		}
		if csp := a.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: CSP %q", tc.path, csp)
		}
		for _, external := range []string{"http://", "https://", "//cdn"} {
			if strings.Contains(string(a.Body), external) {
				t.Errorf("%s loads %s content", tc.path, external)
			}
		}
	}
}
