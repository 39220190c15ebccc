package testnetwork

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/contracts/identity"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// attestQualifiedUS has each investor's own bank's compliance officer
// attest it as a US qualified institutional buyer for a year, with a
// dossier naming it: what the deals' transfer rules (qib, US) ask of a
// holder before units are placed with it.
func (cs *cast) attestQualifiedUS(t *testing.T, investors ...*actor) {
	t.Helper()
	claims := identity.ClaimsInput{InvestorType: "qib", Jurisdiction: "US", KYCExpiry: time.Now().AddDate(1, 0, 0)}
	for _, inv := range investors {
		cs.submit(cs.complianceOf(inv.msp), "Identity:Attest", []string{inv.key, canonJSON(t, claims)},
			map[string][]byte{identity.TransientDossier: []byte(`{"name":"` + inv.name + `"}`)}, "")
	}
}

// claimAccrued has holder claim, tranche by tranche, what has accrued to
// it, checks each claim paid exactly what Servicing:Accrued said, and
// returns the total paid. when names the moment in failures ("period 3").
//
// It claims only what has accrued: a claim with nothing to pay writes
// nothing, and Fabric validates a transaction without writes against the
// chaincode's majority policy (FAB-9473), which the trustee's endorsement
// alone does not meet.
func (cs *cast) claimAccrued(t *testing.T, when string, holder *actor, tranches ...string) money.Amount {
	t.Helper()
	var total money.Amount
	for _, tranche := range tranches {
		var acc schema.Accrual
		cs.evaluate(holder, "Servicing:Accrued", []string{tranche, holder.key}, &acc)
		if acc.Claimable == 0 {
			continue
		}
		b, _, err := holder.c.Submit(t.Context(), tnetSubmit(cs, holder, "Servicing:Claim", tranche))
		if err != nil {
			t.Fatalf("%s: %s claims %s: %v", when, holder.name, tranche, err)
		}
		var r schema.ClaimResult
		if err := json.Unmarshal(b, &r); err != nil || r.Amount != acc.Claimable {
			t.Fatalf("%s: %s claimed %s of %s on %s (%v)", when, holder.name, r.Amount, acc.Claimable, tranche, err)
		}
		total += r.Amount
	}
	return total
}
