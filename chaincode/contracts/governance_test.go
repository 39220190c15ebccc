package contracts_test

import (
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/ledger/keypolicy"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// TestWhoMayChangeWhat reads the key-level policy every record of the
// README's "Who must endorse what" table carries after a deal's
// set-up, and checks it against the endorsing sets that matter: who the
// table says, and the two non-trustee banks of issue 11's attack.
func TestWhoMayChangeWhat(t *testing.T) {
	w := contracttest.New(t)
	f := w.Standard()
	w.Must(w.Settlement, "Cash:AttestReserves", "1000000.00", "sha256:statement-1")
	w.Must(w.Settlement, "Cash:Mint", "1000.00")
	trustee, servicer, investors := w.Net.Trustee, w.Net.Servicer, w.Net.Investors
	settlement := w.Net.Config.MSPsWithRole(roles.Settlement)
	bob := f.Investors[2] // at the investor bank

	key := func(objectType string, attrs ...string) string {
		k, err := shim.CreateCompositeKey(objectType, attrs)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	claimKey := key(schema.TypeClaims, w.Key(bob))
	type check struct {
		record     string
		policy     []byte
		may, mayNo [][]string
	}
	twoBanks := []string{servicer, investors}
	checks := []check{
		{"config", w.ValidationParameter("config"),
			[][]string{{trustee, servicer}, {trustee, investors}}, [][]string{twoBanks, {trustee}}},
		{"deal terms", w.ValidationParameter(key(schema.TypeDeal, f.Deal)),
			[][]string{{trustee, servicer}, {trustee, investors}}, [][]string{twoBanks, {trustee}}},
		{"tranche terms", w.ValidationParameter(key(schema.TypeTranche, f.A)),
			[][]string{{trustee, investors}}, [][]string{twoBanks, {trustee}}},
		{"cash supply and reserves", w.ValidationParameter(key(schema.TypeCashSupply)),
			[][]string{settlement}, [][]string{twoBanks}},
		{"an investor's claims", w.PrivateValidationParameter(roles.ComplianceCollection, claimKey),
			[][]string{{investors, trustee}}, [][]string{twoBanks, {trustee, servicer}, {trustee}}},
	}
	for _, c := range checks {
		if c.policy == nil {
			t.Errorf("%s: no key-level policy", c.record)
			continue
		}
		for _, set := range c.may {
			if ok, err := keypolicy.Satisfied(c.policy, set); err != nil || !ok {
				t.Errorf("%s: %v cannot change it (%v)", c.record, set, err)
			}
		}
		for _, set := range c.mayNo {
			if ok, _ := keypolicy.Satisfied(c.policy, set); ok {
				t.Errorf("%s: %v can change it", c.record, set)
			}
		}
	}
}
