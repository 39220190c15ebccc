package token_test

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Token:Positions answers each item as Token:Position would: bob's bank's
// compliance officer sees bob's position, gets the refusal for alice (at
// another bank) and for an unknown tranche, all in one call.
func TestBatchReadsRefuseItemByItem(t *testing.T) {
	w, f := placed(t)
	alice, bob := f.Investors[0], f.Investors[2]
	officer := w.Compliance[w.Net.Investors]
	queries := `[{"holder":"` + w.Key(bob) + `","tranche":"` + f.A + `"},{"holder":"` + w.Key(alice) + `","tranche":"` + f.A + `"},` +
		`{"holder":"` + w.Key(bob) + `","tranche":"NO-SUCH"}]`
	got := contracttest.Decode[[]schema.PositionAnswer](t, w.Must(officer, "Token:Positions", queries))
	if len(got) != 3 || got[0].Position == nil || got[0].Position.Units != 5000 || got[0].Refusal != "" {
		t.Fatalf("answers %+v", got)
	}
	single := contracttest.Decode[schema.PositionView](t, w.Must(officer, "Token:Position", f.A, w.Key(bob)))
	if *got[0].Position != single {
		t.Errorf("batch %+v, single %+v", *got[0].Position, single)
	}
	if got[1].Position != nil || !strings.Contains(got[1].Refusal, string(errs.Forbidden)) {
		t.Errorf("alice's position to bob's bank: %+v", got[1])
	}
	if got[2].Position != nil || !strings.Contains(got[2].Refusal, string(errs.NotFound)) {
		t.Errorf("unknown tranche: %+v", got[2])
	}
	balances := contracttest.Decode[[]schema.BalanceAnswer](t, w.Must(officer, "Cash:Balances", `["`+w.Key(bob)+`","`+w.Key(alice)+`"]`))
	if len(balances) != 2 || balances[0].Balance == nil || balances[1].Balance != nil || !strings.Contains(balances[1].Refusal, string(errs.Forbidden)) {
		t.Errorf("balances %+v", balances)
	}
	w.Refused(errs.BadInput, officer, "Token:Positions", `{"not":"a list"}`)
}
