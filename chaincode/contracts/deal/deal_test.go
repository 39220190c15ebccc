package deal_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/contracts/deal"
	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func js(t testing.TB, v any) string {
	t.Helper()
	b, err := canon.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sealed is a world with a sealed pool and its balance.
func sealed(t testing.TB) (*contracttest.World, money.Amount) {
	w := contracttest.New(t)
	var bal money.Amount
	for _, l := range w.SealedPool("P1", 21, 10, 10) {
		bal += l.ReportingPeriodActualEndBalanceAmount
	}
	return w, bal
}

func input(w *contracttest.World, bal money.Amount) deal.DealInput {
	a := w.Tranche("D-A", "A", 1, money.FromMajor(bal.Cents()/100*8/10))
	r := w.Tranche("D-R", "R", 2, money.FromMajor(bal.Cents()/100/10))
	r.Kind, r.Coupon = schema.KindCertificate, nil
	return deal.DealInput{ID: "D", Name: "Deal D", Pool: "P1", RequiredCollateralization: decimal.RequireFromString("0.95"),
		Tranches: []deal.TrancheInput{a, r}}
}

func TestCreateValidation(t *testing.T) {
	w, bal := sealed(t)
	rate := func(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }
	tests := []struct {
		name  string
		edit  func(*deal.DealInput)
		names string
	}{
		{"no tranches", func(in *deal.DealInput) { in.Tranches = nil }, "tranches"},
		{"collateralization 0", func(in *deal.DealInput) { in.RequiredCollateralization = decimal.Zero }, "requiredCollateralization"},
		{"collateralization above 1", func(in *deal.DealInput) { in.RequiredCollateralization = decimal.RequireFromString("1.05") }, "requiredCollateralization"},
		{"duplicate tranche", func(in *deal.DealInput) { in.Tranches[1].ID = "D-A" }, "tranches[1].id"},
		{"bad tranche id", func(in *deal.DealInput) { in.Tranches[0].ID = "D/A" }, "tranches[0]: id"},
		{"seniority 0", func(in *deal.DealInput) { in.Tranches[0].Seniority = 0 }, "seniority"},
		{"kind", func(in *deal.DealInput) { in.Tranches[0].Kind = "bond" }, "kind"},
		{"note without coupon", func(in *deal.DealInput) { in.Tranches[0].Coupon = nil }, "coupon"},
		{"certificate with coupon", func(in *deal.DealInput) { in.Tranches[1].Coupon = in.Tranches[0].Coupon }, "tranches[1]: coupon"},
		{"fixed and floating", func(in *deal.DealInput) { in.Tranches[0].Coupon.Index = "SOFR" }, "coupon: index"},
		{"floating without index", func(in *deal.DealInput) {
			in.Tranches[0].Coupon = &schema.Coupon{Margin: decimal.RequireFromString("0.01"), DayCount: daycount.Actual360}
		}, "coupon: fixed"},
		{"floor above cap", func(in *deal.DealInput) {
			in.Tranches[0].Coupon = &schema.Coupon{Index: "SOFR", Margin: decimal.RequireFromString("0.01"), Floor: rate("0.05"), Cap: rate("0.04"), DayCount: daycount.Actual360}
		}, "coupon: floor"},
		{"day count", func(in *deal.DealInput) { in.Tranches[0].Coupon.DayCount = "ACT/ACT" }, "dayCount"},
		{"rate as percent", func(in *deal.DealInput) { in.Tranches[0].Coupon.Fixed = rate("5.25") }, "coupon: fixed"},
		{"face not whole units", func(in *deal.DealInput) {
			in.Tranches[0].UnitFace = money.FromMajor(1000)
			in.Tranches[0].OriginalFace = money.Cents(150_000_00 + 1)
		}, "originalFace"},
		{"zero unit face", func(in *deal.DealInput) { in.Tranches[0].UnitFace = 0 }, "unitFace"},
		{"no legal final date", func(in *deal.DealInput) { in.Tranches[0].LegalFinalDate = daycount.Date{} }, "legalFinalDate"},
		{"legal final before cut-off", func(in *deal.DealInput) { in.Tranches[0].LegalFinalDate = daycount.NewDate(2025, time.June, 1) }, "tranches[0].legalFinalDate"},
		{"rules: no investor type", func(in *deal.DealInput) { in.Tranches[0].Rules.EligibleInvestorTypes = nil }, "rules: eligibleInvestorTypes"},
		{"rules: bad jurisdiction", func(in *deal.DealInput) { in.Tranches[0].Rules.AllowedJurisdictions = []string{"usa"} }, "rules: allowedJurisdictions[0]"},
		{"rules: MSP outside the consortium", func(in *deal.DealInput) {
			in.Tranches[0].Rules.ConsortiumMSPs = append(in.Tranches[0].Rules.ConsortiumMSPs, contracttest.ForeignMSP)
		}, "rules.consortiumMSPs[3]"},
	}
	for _, tt := range tests {
		in := input(w, bal)
		in.Tranches = append([]deal.TrancheInput(nil), in.Tranches...)
		c := *in.Tranches[0].Coupon
		in.Tranches[0].Coupon = &c
		tt.edit(&in)
		r := w.Refused(errs.BadInput, w.Arranger, "Deal:Create", js(t, in))
		if !strings.Contains(r.Message, tt.names) {
			t.Errorf("%s: %q does not name %q", tt.name, r.Message, tt.names)
		}
	}
	w.Refused(errs.BadInput, w.Arranger, "Deal:Create", `{"id":"D","issued":5}`)
	// A decimal that is cheap to parse and ruinous to use.
	hostile := strings.Replace(js(t, input(w, bal)), `"requiredCollateralization":"0.95"`, `"requiredCollateralization":"1e-999999999"`, 1)
	if r := w.Refused(errs.BadInput, w.Arranger, "Deal:Create", hostile); !strings.Contains(r.Message, "requiredCollateralization") {
		t.Errorf("hostile decimal: %q", r.Message)
	}
	w.Refused(errs.Forbidden, w.Trustee, "Deal:Create", js(t, input(w, bal)))
	open := input(w, bal)
	w.CreatePool("OPEN")
	open.Pool = "OPEN"
	w.Refused(errs.WrongState, w.Arranger, "Deal:Create", js(t, open))
	open.Pool = "NOPE"
	w.Refused(errs.NotFound, w.Arranger, "Deal:Create", js(t, open))
}

func TestCreateRecordsTermsAndBooks(t *testing.T) {
	w, bal := sealed(t)
	in := input(w, bal)
	r := w.Call(w.Arranger, "Deal:Create", js(t, in))
	if !r.OK() || r.EventTypes()[0] != "DealCreated" {
		t.Fatalf("%s", r.Message)
	}
	d := contracttest.Decode[schema.Deal](t, w.Must(w.NoRole, "Deal:Get", "D"))
	if d.Arranger != w.Net.Trustee || d.Pool != "P1" || len(d.Tranches) != 2 || !d.RequiredCollateralization.Equal(decimal.RequireFromString("0.95")) {
		t.Fatalf("deal %+v", d)
	}
	a := contracttest.Decode[schema.Tranche](t, w.Must(w.NoRole, "Deal:GetTranche", "D-A"))
	if a.Issued != 0 || a.OriginalFace != in.Tranches[0].OriginalFace || a.Coupon == nil || a.Rules.BlockedJurisdictions == nil {
		t.Fatalf("tranche %+v", a)
	}
	for _, id := range d.Tranches {
		k, _ := shim.CreateCompositeKey(schema.TypeTrancheBook, []string{id})
		if w.ValidationParameter(k) == nil {
			t.Errorf("the book of %s is not kept by the trustee (no key-level policy)", id)
		}
	}
	// IDs are unique; a pool backs one deal.
	w.Refused(errs.AlreadyExists, w.Arranger, "Deal:Create", js(t, in))
	in.ID = "D2"
	w.Refused(errs.AlreadyExists, w.Arranger, "Deal:Create", js(t, in))
	w.SealedPool("P2", 22, 4, 4)
	in.Pool = "P2"
	w.Refused(errs.AlreadyExists, w.Arranger, "Deal:Create", js(t, in)) // tranche IDs taken
	in.Tranches[0].ID, in.Tranches[1].ID = "D2-A", "D2-R"
	w.Must(w.Arranger, "Deal:Create", js(t, in))
}

// The mint gate: issued face across the deal ≤ sealed pool balance ×
// required collateralization, whichever tranches the units are in.
func TestIssueIsGatedByCollateral(t *testing.T) {
	w, bal := sealed(t)
	in := input(w, bal)
	in.Tranches[0].OriginalFace = money.FromMajor(bal.Cents() / 100) // A alone could take the whole pool
	w.CreateDeal(in)
	limit, err := bal.MulRateFloor(in.RequiredCollateralization)
	if err != nil {
		t.Fatal(err)
	}
	maxUnits := limit.Cents() / 100 // unit face 1.00
	rUnits := int64(1000)
	w.Must(w.Arranger, "Deal:Issue", "D-R", fmt.Sprint(rUnits))
	r := w.Refused(errs.LimitExceeded, w.Arranger, "Deal:Issue", "D-A", fmt.Sprint(maxUnits-rUnits+1))
	for _, want := range []string{bal.String(), limit.String(), "0.95"} {
		if !strings.Contains(r.Message, want) {
			t.Errorf("the refusal %q does not name %s", r.Message, want)
		}
	}
	r = w.Call(w.Arranger, "Deal:Issue", "D-A", fmt.Sprint(maxUnits-rUnits))
	if !r.OK() || !strings.Contains(string(r.Envelope().Events[0].Data), fmt.Sprint(maxUnits-rUnits)) {
		t.Fatalf("issue up to the gate: %s", r.Message)
	}
	w.Refused(errs.LimitExceeded, w.Arranger, "Deal:Issue", "D-R", "1")
	s := contracttest.Decode[schema.TrancheSupply](t, w.Must(w.NoRole, "Token:Supply", "D-A"))
	if s.Issued != maxUnits-rUnits || s.IssuerUnits != s.Issued || s.Holders != 0 {
		t.Fatalf("supply %+v", s)
	}
	// Issue needs a majority with the trustee: the supply is public, the book the trustee's.
	if r.Peers[0] != w.Net.Trustee || len(r.Peers) < 2 {
		t.Errorf("issue ran on %v", r.Peers)
	}
	if err := w.CheckTranche("D-A"); err != nil {
		t.Fatal(err)
	}
}

func TestIssueLimits(t *testing.T) {
	w, bal := sealed(t)
	w.CreateDeal(input(w, bal))
	max := contracttest.Decode[schema.Tranche](t, w.Must(w.NoRole, "Deal:GetTranche", "D-R")).MaxUnits()
	w.Refused(errs.LimitExceeded, w.Arranger, "Deal:Issue", "D-R", fmt.Sprint(max+1))
	w.Refused(errs.LimitExceeded, w.Arranger, "Deal:Issue", "D-R", "9223372036854775807")
	w.Refused(errs.BadInput, w.Arranger, "Deal:Issue", "D-R", "0")
	w.Refused(errs.NotFound, w.Arranger, "Deal:Issue", "D-X", "1")
	w.Must(w.Arranger, "Deal:Issue", "D-R", fmt.Sprint(max))
}

func TestPlace(t *testing.T) {
	w, bal := sealed(t)
	w.CreateDeal(input(w, bal))
	bob := w.AttestedInvestor(w.Net.Investors, "bob")
	w.Refused(errs.InsufficientBalance, w.Trustee, "Deal:Place", "D-A", w.Key(bob), "10")
	w.Must(w.Arranger, "Deal:Issue", "D-A", "1000")
	r := w.Call(w.Trustee, "Deal:Place", "D-A", w.Key(bob), "600")
	if !r.OK() || len(r.Peers) != 1 || r.Peers[0] != w.Net.Trustee {
		t.Fatalf("place: %s on %v (the trustee alone endorses)", r.Message, r.Peers)
	}
	if data := string(r.Envelope().Events[0].Data); strings.Contains(data, "600") || !strings.Contains(data, w.Key(bob)) {
		t.Errorf("event %s", data)
	}
	w.Must(w.Arranger, "Deal:Place", "D-A", w.Key(bob), "400")
	w.Refused(errs.InsufficientBalance, w.Trustee, "Deal:Place", "D-A", w.Key(bob), "1")
	w.Refused(errs.RuleNotAttested, w.Trustee, "Deal:Place", "D-A", w.Key(w.Investor(w.Net.Investors, "x")), "1")
	s := contracttest.Decode[schema.TrancheSupply](t, w.Must(w.NoRole, "Token:Supply", "D-A"))
	if s.IssuerUnits != 0 || s.Placed != 1000 || s.Holders != 1 {
		t.Fatalf("supply %+v", s)
	}
	if err := w.CheckTranche("D-A"); err != nil {
		t.Fatal(err)
	}
}

func TestAddDocument(t *testing.T) {
	w, bal := sealed(t)
	w.CreateDeal(input(w, bal))
	sha := strings.Repeat("ab", 32)
	w.Refused(errs.BadInput, w.Arranger, "Deal:AddDocument", "D", "prospectus", "https://x", "abc")
	w.Refused(errs.BadInput, w.Arranger, "Deal:AddDocument", "D", "", "https://x", sha)
	w.Refused(errs.BadInput, w.Arranger, "Deal:AddDocument", "D", "prospectus", "https://x\n", sha+"00")
	w.Refused(errs.NotFound, w.Arranger, "Deal:AddDocument", "NOPE", "prospectus", "https://x", sha)
	w.Must(w.Arranger, "Deal:AddDocument", "D", "prospectus", "https://docs.example/d/prospectus.pdf", strings.ToUpper(sha))
	w.Refused(errs.AlreadyExists, w.Arranger, "Deal:AddDocument", "D", "prospectus", "https://x", sha)
	d := contracttest.Decode[schema.Deal](t, w.Must(w.NoRole, "Deal:Get", "D"))
	if len(d.Documents) != 1 || d.Documents[0].SHA256 != sha || d.Documents[0].AddedTx == "" {
		t.Fatalf("documents %+v", d.Documents)
	}
}

// An arranger of another organisation may not act on the deal.
func TestOnlyTheDealsArranger(t *testing.T) {
	w, bal := sealed(t)
	w.CreateDeal(input(w, bal))
	next := w.Net.Config
	next.Orgs = append([]roles.Org(nil), next.Orgs...)
	for i := range next.Orgs {
		if next.Orgs[i].MSP == w.Net.Servicer {
			next.Orgs[i].Roles = next.Orgs[i].Roles.With("arranger")
		}
	}
	hash := contracttest.Decode[schema.ProposalStatus](t, w.Must(w.Admins[w.Net.Trustee], "Admin:ProposeConfig", js(t, next))).Hash
	w.Must(w.Admins[w.Net.Servicer], "Admin:ApproveConfig", hash)
	other := w.Identity(w.Net.Servicer, "arranger2", stubtest.Attr("tranchenet.role", "arranger"))
	w.Refused(errs.Forbidden, other, "Deal:Issue", "D-A", "1")
	w.Refused(errs.Forbidden, other, "Deal:AddDocument", "D", "x", "y", strings.Repeat("0", 64))
	w.Must(w.Arranger, "Deal:Issue", "D-A", "1")
	w.Refused(errs.Forbidden, other, "Deal:Place", "D-A", w.Key(w.AttestedInvestor(w.Net.Investors, "bob")), "1")
}
