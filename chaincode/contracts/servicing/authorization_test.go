package servicing_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/contracts/servicing"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
)

// TestAuthorizationMatrix calls every function of the contract as every
// role (and as an identity with no role, and one of an organisation
// outside the consortium): every other caller is refused FORBIDDEN, the
// roles allowed succeed or fail for the state's reason (code). The ledger:
// period 1 certified, period 2 not reported yet.
func TestAuthorizationMatrix(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	d.runPeriod(t)
	m2 := d.nextMonth(t)
	a := d.tranche["A"]
	callers := map[string]*stubtest.Identity{
		"trustee": w.Trustee, "arranger": w.Arranger, "settlement": w.Settlement, "servicer": w.Servicer,
		"compliance": w.Compliance[w.Net.Investors], "auditor": w.Auditor, "investor": d.alice, "other investor": d.bob,
		"no role": w.NoRole, "foreign": w.Foreign, "rates": w.Identity(w.Net.Servicer, "rates-desk"),
	}
	w.Must(w.Admins[w.Net.Servicer], "Admin:GrantRole", w.Key(callers["rates"]), "rates")
	everyRole := []string{"trustee", "arranger", "settlement", "servicer", "compliance", "auditor", "investor", "other investor", "rates"}
	tests := []struct {
		fn      string
		args    []string
		opts    []stubtest.InvokeOption
		allowed []string
		code    errs.Code // for the allowed callers; "" is success
	}{
		{"SetWaterfall", []string{d.deal, d.terms(t, 2)}, nil, []string{"arranger"}, errs.WrongState},
		{"SubmitReport", []string{d.deal, d.header(t, m2)}, nil, []string{"servicer"}, ""},
		{"SubmitCardReport", []string{d.deal}, nil, []string{"servicer"}, errs.WrongState}, // not a card series pool
		{"AddReportRows", []string{d.deal, "2"}, []stubtest.InvokeOption{chunkTransient(t, m2.chunks[0])}, []string{"servicer"}, errs.NotFound},
		{"WithdrawReport", []string{d.deal, "1", "test"}, nil, []string{"servicer", "trustee"}, errs.WrongState},
		{"CompleteReport", []string{d.deal, "1"}, nil, []string{"servicer"}, errs.WrongState},
		{"PostFixing", []string{d.deal, "2", "SOFR30A", "0.043"}, nil, []string{"trustee"}, ""},
		{"PostIndexQuote", []string{d.deal, "2", "SOFR30A", "0.043"}, nil, []string{"rates"}, errs.NotFound}, // the deal names no sources
		{"RemitCollections", []string{d.deal, "1.00"}, nil, []string{"servicer"}, ""},
		{"FundReserve", []string{d.deal, "reserve", "100000000.00"}, nil, []string{"arranger", "trustee", "servicer"}, errs.InsufficientBalance},
		{"Certify", []string{d.deal, "2"}, nil, []string{"trustee"}, errs.WrongState},
		{"Certify", []string{d.deal, "1"}, nil, []string{"trustee"}, errs.WrongState},
		{"OpenAt", []string{d.deal, "{}"}, nil, []string{"trustee"}, errs.WrongState},
		{"GetOpening", []string{d.deal}, nil, everyRole, errs.NotFound},
		{"DeclareEventOfDefault", []string{d.deal, "covenant breach"}, nil, []string{"trustee"}, ""},
		{"Claim", []string{a}, nil, []string{"investor", "other investor"}, ""},
		{"ClaimFor", []string{a, w.Key(d.alice)}, nil, []string{"trustee"}, ""},
		{"ClaimFee", []string{d.deal, "servicing"}, nil, []string{"servicer", "trustee"}, ""},
		{"ClaimAdvances", []string{d.deal}, nil, []string{"servicer"}, ""},
		{"Accrued", []string{a, w.Key(d.alice)}, nil, []string{"investor", "trustee"}, ""},
		{"GetWaterfall", []string{d.deal, ""}, nil, everyRole, ""},
		{"GetStatus", []string{d.deal}, nil, everyRole, ""},
		{"GetReport", []string{d.deal, "1"}, nil, everyRole, ""},
		{"GetFixings", []string{d.deal, "1"}, nil, everyRole, ""},
		{"GetFixingStatus", []string{d.deal, "1", "SOFR30A"}, nil, everyRole, errs.NotFound},
		{"GetCertification", []string{d.deal, "1"}, nil, everyRole, ""},
		{"ProofOfReserve", []string{d.deal, "1"}, nil, everyRole, ""},
		{"Replay", []string{d.deal, "1"}, nil, everyRole, ""},
		{"GetClassBook", []string{a}, nil, everyRole, ""},
		{"GetAccounts", []string{d.deal}, nil, everyRole, ""},
	}
	names := make([]string, 0, len(callers))
	for n := range callers {
		names = append(names, n)
	}
	sort.Strings(names)
	covered := map[string]bool{}
	for _, tt := range tests {
		fn := "Servicing:" + tt.fn
		covered[fn] = true
		allowed := map[string]bool{}
		for _, r := range tt.allowed {
			allowed[r] = true
		}
		for _, name := range names {
			r := w.Try(callers[name], fn, tt.args, tt.opts...)
			switch {
			case allowed[name] && r.ErrCode() != tt.code:
				t.Errorf("%s by %s: want %q, got status %d %s", fn, name, tt.code, r.Status, r.Message)
			case !allowed[name] && r.ErrCode() != errs.Forbidden:
				t.Errorf("%s by %s: want FORBIDDEN, got status %d %s", fn, name, r.Status, r.Message)
			}
		}
	}
	for fn := range servicing.Endorsers {
		if !covered[fn] {
			t.Errorf("%s is not in the matrix", fn)
		}
	}
}

// TestEveryFunctionHasEndorsers: each transaction function the router
// exposes has an entry in servicing.Endorsers, so the gateway knows whom
// to ask.
func TestEveryFunctionHasEndorsers(t *testing.T) {
	ctxType := reflect.TypeOf((*txn.Context)(nil))
	c := reflect.TypeOf(servicing.New())
	n := 0
	for i := range c.NumMethod() {
		m := c.Method(i)
		if m.Type.NumIn() < 2 || m.Type.In(1) != ctxType {
			continue
		}
		n++
		if _, ok := servicing.Endorsers["Servicing:"+m.Name]; !ok {
			t.Errorf("Servicing:%s has no endorsement entry", m.Name)
		}
	}
	if n != len(servicing.Endorsers) {
		t.Errorf("%d transaction functions, %d endorsement entries", n, len(servicing.Endorsers))
	}
}
