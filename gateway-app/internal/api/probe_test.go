package api

import (
	"net/http"
	"slices"
	"testing"

	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

// The probe endpoints show how a declaration becomes a transaction:
// function, arguments, transient data and endorsing orgs.
func TestProbeTransactions(t *testing.T) {
	tests := []struct {
		name      string
		method    string
		path      string
		body      string
		kind      string
		fn        string
		args      []string
		transient map[string]string
		endorsers []string
		payload   string
		want      string
	}{
		{"public write", "PUT", "/v1/probe/public/k1", `{"value":"hello"}`, "submit", "Probe:PutPublic",
			[]string{"k1", "hello"}, nil, nil, "", `{"key":"k1","txId":"tx-1","block":9}`},
		{"public read", "GET", "/v1/probe/public/k1", "", "evaluate", "Probe:GetPublic",
			[]string{"k1"}, nil, nil, "hello", `{"key":"k1","value":"hello"}`},
		{"private write to the own implicit collection", "PUT", "/v1/probe/private/_implicit_org_Org1MSP/k2", `{"value":"secret"}`, "submit", "Probe:PutPrivate",
			[]string{"_implicit_org_Org1MSP", "k2"}, map[string]string{"value": "secret"}, []string{"Org1MSP"}, "",
			`{"key":"k2","collection":"_implicit_org_Org1MSP","txId":"tx-1","block":9}`},
		{"private write to a configured collection", "PUT", "/v1/probe/private/loanTape/k3", `{"value":"tape"}`, "submit", "Probe:PutPrivate",
			[]string{"loanTape", "k3"}, map[string]string{"value": "tape"}, []string{"Org1MSP", "Org2MSP"}, "",
			`{"key":"k3","collection":"loanTape","txId":"tx-1","block":9}`},
		{"private write to an unconfigured collection lets the gateway choose", "PUT", "/v1/probe/private/other/k4", `{"value":"x"}`, "submit", "Probe:PutPrivate",
			[]string{"other", "k4"}, map[string]string{"value": "x"}, nil, "",
			`{"key":"k4","collection":"other","txId":"tx-1","block":9}`},
		{"private read on the own peer", "GET", "/v1/probe/private/_implicit_org_Org2MSP/k2", "", "evaluate", "Probe:GetPrivate",
			[]string{"_implicit_org_Org2MSP", "k2"}, nil, []string{"Org1MSP"}, "secret",
			`{"key":"k2","collection":"_implicit_org_Org2MSP","value":"secret"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.ledger.handler = func(string, string, ledger.Tx) (ledger.Result, error) {
				return ledger.Result{Payload: []byte(tt.payload), TxID: "tx-1", Block: 9}, nil
			}
			a := ts.do(req{method: tt.method, path: tt.path, token: adminToken, body: tt.body})
			if a.Status != http.StatusOK || string(a.Body) != tt.want+"\n" {
				t.Fatalf("%d %s, want %s", a.Status, a.Body, tt.want)
			}
			c := ts.ledger.last()
			if c.Kind != tt.kind || c.Identity != "Admin" || c.Tx.Fn != tt.fn || !slices.Equal(c.Tx.Args, tt.args) || !slices.Equal(c.Tx.Endorsers, tt.endorsers) {
				t.Fatalf("call %+v", c)
			}
			if len(c.Tx.Transient) != len(tt.transient) {
				t.Fatalf("transient %v, want %v", c.Tx.Transient, tt.transient)
			}
			for k, v := range tt.transient {
				if string(c.Tx.Transient[k]) != v {
					t.Fatalf("transient %s = %q, want %q", k, c.Tx.Transient[k], v)
				}
				if slices.Contains(c.Tx.Args, v) {
					t.Fatalf("private value %q leaked into the arguments %v", v, c.Tx.Args)
				}
			}
			if tt.kind == "submit" {
				if a.Header.Get(HeaderTransactionID) != "tx-1" || a.Header.Get(HeaderBlockNumber) != "9" {
					t.Errorf("headers %v", a.Header)
				}
			} else if a.Header.Get(HeaderTransactionID) != "" {
				t.Error("a query's transaction ID names nothing on the ledger; do not send it")
			}
		})
	}
}
