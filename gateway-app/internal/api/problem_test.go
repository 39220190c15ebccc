package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

func TestLedgerErrorsBecomeProblems(t *testing.T) {
	tests := []struct {
		name       string
		err        *ledger.Error
		status     int
		code       string
		rule       int
		field      string
		row        int
		retryAfter string
		txID       string
	}{
		{"transfer rule refusal", &ledger.Error{Kind: ledger.KindRefused, Code: errs.RuleKYCExpired, Rule: 5, Message: "receiver KYC expired on 2025-01-31", TxID: "t1"},
			422, "RULE_KYC_EXPIRED", 5, "", 0, "", "t1"},
		{"not found", &ledger.Error{Kind: ledger.KindRefused, Code: errs.NotFound, Message: "deal D9 not found"},
			404, "NOT_FOUND", 0, "", 0, "", ""},
		{"bad input names the field", &ledger.Error{Kind: ledger.KindRefused, Code: errs.BadInput, Message: "tranches[2].rate: must be positive"},
			400, "BAD_INPUT", 0, "tranches[2].rate", 0, "", ""},
		{"bad input names the row", &ledger.Error{Kind: ledger.KindRefused, Code: errs.BadInput, Message: "line 17 (loan 100234): balance negative (rule balance)"},
			400, "BAD_INPUT", 0, "", 17, "", ""},
		{"forbidden", &ledger.Error{Kind: ledger.KindRefused, Code: errs.Forbidden, Message: "role trustee required"},
			403, "FORBIDDEN", 0, "", 0, "", ""},
		{"code from a newer chaincode", &ledger.Error{Kind: ledger.KindRefused, Code: "RULE_FUTURE", Message: "new rule"},
			422, "RULE_FUTURE", 0, "", 0, "", ""},
		{"ledger unavailable", &ledger.Error{Kind: ledger.KindUnavailable, Message: "connection refused", Retryable: true},
			503, CodeLedgerUnavailable, 0, "", 0, "2", ""},
		{"MVCC conflict", &ledger.Error{Kind: ledger.KindConflict, Message: "conflict", ValidationCode: "MVCC_READ_CONFLICT", TxID: "t2", Retryable: true},
			409, CodeTxConflict, 0, "", 0, "1", "t2"},
		{"invalid transaction", &ledger.Error{Kind: ledger.KindInvalid, Message: "ENDORSEMENT_POLICY_FAILURE", TxID: "t3"},
			502, CodeTxInvalid, 0, "", 0, "", "t3"},
		{"unknown outcome", &ledger.Error{Kind: ledger.KindUnknownOutcome, Message: "commit status unknown", TxID: "t4"},
			504, CodeOutcomeUnknown, 0, "", 0, "", "t4"},
		{"peer error", &ledger.Error{Kind: ledger.KindPeer, Message: "chaincode definition not found"},
			502, CodePeerError, 0, "", 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.ledger.handler = func(string, string, ledger.Tx) (ledger.Result, error) { return ledger.Result{}, tt.err }
			a := ts.do(req{method: "PUT", path: "/v1/probe/public/k", token: adminToken, body: `{"value":"v"}`})
			if a.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.Status, tt.status, a.Body)
			}
			p := a.problem(t)
			if p.Code != tt.code || p.Rule != tt.rule || p.Field != tt.field || p.Row != tt.row || p.TxID != tt.txID {
				t.Errorf("problem %+v", p)
			}
			if got := a.Header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			if tt.retryAfter != "" && p.RetryAfter == 0 {
				t.Error("retryAfter extension missing")
			}
			if tt.err.Kind == ledger.KindRefused && !strings.Contains(p.Detail, tt.err.Message) {
				t.Errorf("detail %q lost the chaincode's message", p.Detail)
			}
			if tt.txID != "" && a.Header.Get(HeaderTransactionID) != tt.txID {
				t.Errorf("X-Transaction-Id %q", a.Header.Get(HeaderTransactionID))
			}
		})
	}
}

func TestUnexpectedErrorsAreInternalWithoutLeakingThem(t *testing.T) {
	ts := newTestServer(t)
	ts.ledger.handler = func(string, string, ledger.Tx) (ledger.Result, error) {
		return ledger.Result{}, errAny("open /secret/key.pem: permission denied")
	}
	a := ts.do(req{method: "GET", path: "/v1/probe/public/k", token: adminToken})
	p := a.problem(t)
	if a.Status != 500 || p.Code != CodeInternal || strings.Contains(string(a.Body), "secret") {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
}

type errAny string

func (e errAny) Error() string { return string(e) }

func TestUnknownPathsAndMethodsAreProblems(t *testing.T) {
	ts := newTestServer(t)
	a := ts.do(req{method: "GET", path: "/v1/nothing-here", token: adminToken})
	if p := a.problem(t); a.Status != 404 || p.Code != CodeNotFound || p.Instance != "/v1/nothing-here" {
		t.Fatalf("404: %s", a.Body)
	}
	a = ts.do(req{method: "DELETE", path: "/v1/whoami", token: adminToken})
	if p := a.problem(t); a.Status != http.StatusMethodNotAllowed || p.Code != CodeMethodNotAllowed || !strings.Contains(a.Header.Get("Allow"), "GET") {
		t.Fatalf("405: %v %s", a.Header, a.Body)
	}
}

func TestRequestIDIsEchoedOrAssigned(t *testing.T) {
	ts := newTestServer(t)
	a := ts.do(req{method: "GET", path: "/healthz", mutate: func(r *http.Request) { r.Header.Set(HeaderRequestID, "client-abc.1") }})
	if a.Header.Get(HeaderRequestID) != "client-abc.1" {
		t.Fatalf("request ID %q", a.Header.Get(HeaderRequestID))
	}
	a = ts.do(req{method: "GET", path: "/healthz", mutate: func(r *http.Request) { r.Header.Set(HeaderRequestID, "bad id\nwith newline") }})
	if id := a.Header.Get(HeaderRequestID); len(id) != 24 || strings.ContainsAny(id, " \n") {
		t.Fatalf("an unsafe request ID must be replaced, got %q", id)
	}
}
