package resources

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
)

const (
	holderA = "Org3MSP/1111111111111111111111111111111111111111111111111111111111111111"
	holderB = "Org2MSP/2222222222222222222222222222222222222222222222222222222222222222"
	pathA   = "Org3MSP/1111111111111111111111111111111111111111111111111111111111111111"
)

// resourceCase is one resource called by a role that may: the chaincode
// function, its arguments, whether it is submitted and whose peers are
// asked; and one role that may not.
type resourceCase struct {
	method, path, body string
	as, refused        roles.Role
	fn                 string
	submit             bool
	args               []string
	endorsers          []string
	status             int
}

var (
	trusteeBank = []string{"Org1MSP"}
	ownBank     = []string{"Org2MSP"}
	majority    = []string{"Org1MSP", "Org2MSP"}
)

func resourceCases() []resourceCase {
	deal := `{"id":"D-1","name":"Deal","pool":"POOL-1","requiredCollateralization":"0.95","tranches":[{"id":"D-1-A","class":"A","seniority":1,"kind":"note",` +
		`"originalFace":"1000.00","unitFace":"1.00","coupon":{"fixed":"0.05","dayCount":"30/360"},"legalFinalDate":"2031-06-15","rules":{"eligibleInvestorTypes":["qib"]}}]}`
	terms := `{"tradeRef":"T-1","kind":"trade","tranche":"D-1-A","seller":"` + holderB + `","buyer":"` + holderA + `","units":10,"cash":"10.00",` +
		`"settlementDate":"2026-02-01","expiry":"2026-03-01T00:00:00Z","payment":"ledger","nonce":"00112233445566778899aabbccddeeff"}`
	return []resourceCase{
		{"POST", "/v1/pools", `{"id":"POOL-1","name":"Auto","originator":"Org2MSP","servicer":"Org2MSP","cutoffDate":"2025-12-31"}`, roles.Arranger, roles.Servicer,
			"Pool:Create", true, []string{`{"cutoffDate":"2025-12-31","id":"POOL-1","name":"Auto","originator":"Org2MSP","servicer":"Org2MSP"}`}, majority, 201},
		{"GET", "/v1/pools/POOL-1", "", roles.Auditor, "", "Pool:Get", false, []string{"POOL-1"}, ownBank, 200},
		{"POST", "/v1/pools/POOL-1/seal", "", roles.Servicer, roles.Investor, "Pool:Seal", true, []string{"POOL-1"}, majority, 200},
		{"GET", "/v1/pools/POOL-1/loans/100001", "", roles.Servicer, roles.Investor, "Pool:GetLoan", false, []string{"POOL-1", "100001"}, ownBank, 200},
		{"POST", "/v1/deals", deal, roles.Arranger, roles.Trustee, "Deal:Create", true, nil, majority, 201},
		{"GET", "/v1/deals/D-1", "", roles.Investor, "", "Deal:Get", false, []string{"D-1"}, ownBank, 200},
		{"POST", "/v1/deals/D-1/documents", `{"name":"Prospectus","uri":"https://example.com/p.pdf","sha256":"` + strings.Repeat("ab", 32) + `"}`,
			roles.Arranger, roles.Investor, "Deal:AddDocument", true, []string{"D-1", "Prospectus", "https://example.com/p.pdf", strings.Repeat("ab", 32)}, majority, 201},
		{"POST", "/v1/tranches/D-1-A/issuance", `{"units":1000}`, roles.Arranger, roles.Trustee, "Deal:Issue", true, []string{"D-1-A", "1000"}, majority, 200},
		{"POST", "/v1/tranches/D-1-A/placements", `{"investor":"` + holderA + `","units":10}`, roles.Trustee, roles.Investor,
			"Deal:Place", true, []string{"D-1-A", holderA, "10"}, trusteeBank, 200},
		{"PUT", "/v1/investors/" + pathA + "/attestation", `{"claims":{"investorType":"qib","jurisdiction":"US","kycExpiry":"2030-01-01T00:00:00Z"},"dossier":{"name":"Bob"}}`,
			roles.Compliance, roles.Trustee, "Identity:Attest", true, nil, majority, 200},
		{"POST", "/v1/investors/attestations/batch", `{"attestations":[{"investor":"` + holderB + `","claims":{"investorType":"qib","jurisdiction":"US","kycExpiry":"2030-01-01T00:00:00Z"},"dossier":{"name":"Anna"}}]}`,
			roles.Compliance, roles.Trustee, "Identity:AttestMany", true, nil, majority, 200},
		{"DELETE", "/v1/investors/" + pathA + "/attestation", "", roles.Compliance, roles.Admin, "Identity:Revoke", true, []string{holderA}, majority, 200},
		{"PUT", "/v1/investors/" + pathA + "/freeze", `{"reason":"court order 12"}`, roles.Trustee, roles.Investor, "Identity:Freeze", true, []string{holderA, "court order 12"}, []string{"Org1MSP", "Org3MSP"}, 200}, // the investor's bank and the trustee
		{"DELETE", "/v1/investors/" + pathA + "/freeze", "", roles.Compliance, roles.Investor, "Identity:Unfreeze", true, []string{holderA}, []string{"Org1MSP", "Org3MSP"}, 200},                                      // the investor's bank and the trustee
		{"GET", "/v1/investors/" + pathA + "/claims", "", roles.Compliance, "", "Identity:GetClaims", false, []string{holderA}, ownBank, 200},
		{"GET", "/v1/investors/" + pathA + "/dossier", "", roles.Compliance, roles.Trustee, "Identity:GetDossier", false, []string{holderA}, ownBank, 200},
		{"GET", "/v1/tranches/D-1-A/holders/" + pathA, "", roles.Investor, "", "Token:Position", false, []string{"D-1-A", holderA}, ownBank, 200},
		{"POST", "/v1/tranches/D-1-A/transfers", `{"to":"` + holderA + `","units":5}`, roles.Investor, roles.Trustee, "Token:Transfer", true, []string{"D-1-A", holderA, "5"}, trusteeBank, 200},
		{"POST", "/v1/tranches/D-1-A/forced-transfers", `{"from":"` + holderB + `","to":"` + holderA + `","units":5,"reason":"lost keys"}`, roles.Trustee, roles.Investor,
			"Token:ForcedTransfer", true, []string{"D-1-A", holderB, holderA, "5", "lost keys"}, trusteeBank, 200},
		{"PUT", "/v1/tranches/D-1-A/holders/" + pathA + "/freeze", `{"all":true}`, roles.Trustee, roles.Compliance, "Token:Freeze", true, []string{"D-1-A", holderA, "all"}, trusteeBank, 200},
		{"DELETE", "/v1/tranches/D-1-A/holders/" + pathA + "/freeze", "", roles.Trustee, roles.Compliance, "Token:Unfreeze", true, []string{"D-1-A", holderA}, trusteeBank, 200},
		{"POST", "/v1/tranches/D-1-A/pause", "", roles.Trustee, roles.Arranger, "Token:Pause", true, []string{"D-1-A"}, majority, 200},
		{"POST", "/v1/tranches/D-1-A/resume", "", roles.Trustee, roles.Arranger, "Token:Resume", true, []string{"D-1-A"}, majority, 200},
		{"POST", "/v1/tranches/D-1-A/redemptions", `{"holder":"` + holderA + `","units":3}`, roles.Trustee, roles.Investor, "Token:Redeem", true, []string{"D-1-A", holderA, "3"}, trusteeBank, 200},
		{"GET", "/v1/tranches/D-1-A/holders", "", roles.Trustee, roles.Investor, "Token:Holders", false, []string{"D-1-A"}, trusteeBank, 200},
		{"GET", "/v1/tranches/D-1-A/supply", "", roles.Auditor, "", "Token:Supply", false, []string{"D-1-A"}, ownBank, 200},
		{"POST", "/v1/cash/reserves", `{"amount":"1000000.00","evidence":"statement 2026-01"}`, roles.Settlement, roles.Trustee, "Cash:AttestReserves", true, []string{"1000000.00", "statement 2026-01"}, majority, 200},
		{"POST", "/v1/cash/mint", `{"amount":"500.00"}`, roles.Settlement, roles.Investor, "Cash:Mint", true, []string{"500.00"}, majority, 200},
		{"POST", "/v1/cash/burn", `{"amount":"5.00"}`, roles.Settlement, roles.Admin, "Cash:Burn", true, []string{"5.00"}, majority, 200},
		{"POST", "/v1/cash/payments", `{"to":"` + holderA + `","amount":"50.00"}`, roles.Settlement, roles.Investor, "Cash:Pay", true, []string{holderA, "50.00"}, trusteeBank, 200},
		{"POST", "/v1/cash/transfers", `{"to":"` + holderA + `","amount":"1.50"}`, roles.Investor, roles.Settlement, "Cash:Transfer", true, []string{holderA, "1.50"}, trusteeBank, 200},
		{"POST", "/v1/cash/returns", `{"amount":"1.50"}`, roles.Investor, roles.Settlement, "Cash:Return", true, []string{"1.50"}, trusteeBank, 200},
		{"GET", "/v1/cash/balances/" + pathA, "", roles.Compliance, "", "Cash:Balance", false, []string{holderA}, ownBank, 200},
		{"GET", "/v1/cash/supply", "", roles.Auditor, "", "Cash:Supply", false, nil, ownBank, 200},
		{"PUT", "/v1/identities/" + pathA + "/roles/investor", "", roles.Admin, roles.Compliance, "Admin:GrantRole", true, []string{holderA, "investor"}, majority, 200},
		{"DELETE", "/v1/identities/" + pathA + "/roles/investor", "", roles.Admin, roles.Trustee, "Admin:RevokeRole", true, []string{holderA, "investor"}, majority, 200},
		{"GET", "/v1/identities/" + pathA + "/roles", "", roles.Auditor, "", "Admin:Roles", false, []string{holderA}, ownBank, 200},
		{"GET", "/v1/whoami/ledger", "", roles.Investor, "", "Admin:WhoAmI", false, nil, ownBank, 200},
		{"GET", "/v1/consortium", "", roles.Auditor, "", "Admin:Config", false, nil, ownBank, 200},
		{"POST", "/v1/consortium/proposals/" + strings.Repeat("cd", 32) + "/approvals", "", roles.Admin, roles.Trustee, "Admin:ApproveConfig", true, []string{strings.Repeat("cd", 32)}, majority, 200},
		{"POST", "/v1/settlements/T-1/deliver", `{"terms":` + terms + `,"hold":true}`, roles.Investor, roles.Trustee, "Settlement:Hold", true, []string{"T-1", "deliver"}, trusteeBank, 200}, // after Settlement:InstructDeliver without a hold
		{"POST", "/v1/settlements/T-1/receive", `{"terms":` + terms + `}`, roles.Investor, roles.Arranger, "Settlement:InstructReceive", true, []string{"false"}, majority, 200},
		{"POST", "/v1/settlements/T-1/settle", `{"terms":` + terms + `}`, roles.Trustee, roles.Auditor, "Settlement:Settle", true, []string{"T-1"}, trusteeBank, 200},
		{"POST", "/v1/settlements/T-1/cancellation", `{"side":"deliver","terms":` + terms + `}`, roles.Investor, roles.Auditor, "Settlement:Cancel", true, []string{"T-1", "deliver"}, trusteeBank, 200},
		{"POST", "/v1/settlements/T-1/expiry", "", roles.Auditor, "", "Settlement:Expire", true, []string{"T-1"}, trusteeBank, 200},
		{"GET", "/v1/settlements/T-1", "", roles.Auditor, "", "Settlement:Get", false, []string{"T-1"}, ownBank, 200},
		{"GET", "/v1/settlements?pageSize=10", "", roles.Auditor, "", "Settlement:ListByBank", false, []string{"Org2MSP", "10", ""}, ownBank, 200},
		{"GET", "/v1/settlements/T-1/terms/deliver", "", roles.Investor, "", "Settlement:Terms", false, []string{"T-1", "deliver"}, ownBank, 200},
		{"POST", "/v1/settlements/T-1/check", `{"terms":` + terms + `}`, roles.Investor, "", "Settlement:CheckSettle", false, []string{"T-1"}, trusteeBank, 200},
		{"PUT", "/v1/deals/D-1/waterfall", `{"definition":{"version":1},"classes":[{"class":"A","tranche":"D-1-A"}],"paymentDay":15,"feePayees":[]}`,
			roles.Arranger, roles.Trustee, "Servicing:SetWaterfall", true, nil, majority, 200},
		{"GET", "/v1/deals/D-1/waterfall?version=2", "", roles.Investor, "", "Servicing:GetWaterfall", false, []string{"D-1", "2"}, ownBank, 200},
		{"GET", "/v1/deals/D-1/servicing", "", roles.Investor, "", "Servicing:GetStatus", false, []string{"D-1"}, ownBank, 200},
		{"PUT", "/v1/deals/D-1/opening", `{"period":2,"paymentDate":"2026-03-16","poolBalance":"46955000.00","overcollateralization":"0.00","cumulativeNetLoss":"0.00","classes":[{"class":"A","balance":"100.00","unpaidInterest":"0.00","writtenDown":"0.00"}],"fees":[],"reserves":[],"triggers":[]}`,
			roles.Trustee, roles.Arranger, "Servicing:OpenAt", true, nil, majority, 200},
		{"GET", "/v1/deals/D-1/opening", "", roles.Auditor, "", "Servicing:GetOpening", false, []string{"D-1"}, ownBank, 200},
		{"PUT", "/v1/deals/D-1/periods/3/fixings/SOFR30A", `{"rate":"0.0431"}`, roles.Trustee, roles.Servicer, "Servicing:PostFixing", true, []string{"D-1", "3", "SOFR30A", "0.0431"}, majority, 200},
		{"GET", "/v1/deals/D-1/periods/3/fixings", "", roles.Auditor, "", "Servicing:GetFixings", false, []string{"D-1", "3"}, ownBank, 200},
		{"POST", "/v1/deals/D-1/periods/3/certification", "", roles.Trustee, roles.Servicer, "Servicing:Certify", true, []string{"D-1", "3"}, majority, 200},
		{"GET", "/v1/deals/D-1/periods/3/certification", "", roles.Auditor, "", "Servicing:GetCertification", false, []string{"D-1", "3"}, ownBank, 200},
		{"GET", "/v1/deals/D-1/periods/3/proof-of-reserve", "", roles.Auditor, "", "Servicing:ProofOfReserve", false, []string{"D-1", "3"}, ownBank, 200},
		{"POST", "/v1/deals/D-1/event-of-default", `{"reason":"servicer insolvent"}`, roles.Trustee, roles.Servicer, "Servicing:DeclareEventOfDefault", true, []string{"D-1", "servicer insolvent"}, majority, 200},
		{"POST", "/v1/deals/D-1/collections", `{"amount":"100.00"}`, roles.Servicer, roles.Trustee, "Servicing:RemitCollections", true, []string{"D-1", "100.00"}, trusteeBank, 200},
		{"POST", "/v1/deals/D-1/reserves/reserve/deposits", `{"amount":"10.00"}`, roles.Arranger, roles.Investor, "Servicing:FundReserve", true, []string{"D-1", "reserve", "10.00"}, trusteeBank, 200},
		{"GET", "/v1/deals/D-1/accounts", "", roles.Auditor, "", "Servicing:GetAccounts", false, []string{"D-1"}, trusteeBank, 200},
		{"POST", "/v1/tranches/D-1-A/claims", "", roles.Investor, roles.Trustee, "Servicing:Claim", true, []string{"D-1-A"}, trusteeBank, 200},
		{"POST", "/v1/tranches/D-1-A/holders/" + pathA + "/claims", "", roles.Trustee, roles.Investor, "Servicing:ClaimFor", true, []string{"D-1-A", holderA}, trusteeBank, 200},
		{"GET", "/v1/tranches/D-1-A/holders/" + pathA + "/accrual", "", roles.Compliance, "", "Servicing:Accrued", false, []string{"D-1-A", holderA}, trusteeBank, 200},
		{"GET", "/v1/tranches/D-1-A/distribution-book", "", roles.Auditor, "", "Servicing:GetClassBook", false, []string{"D-1-A"}, trusteeBank, 200},
		{"POST", "/v1/deals/D-1/fees/servicing/claims", "", roles.Servicer, "", "Servicing:ClaimFee", true, []string{"D-1", "servicing"}, trusteeBank, 200},
		{"GET", "/v1/deals/D-1/periods/2/report", "", roles.Auditor, "", "Servicing:GetReport", false, []string{"D-1", "2"}, ownBank, 200},
		{"POST", "/v1/deals/D-1/amendments", `{"id":"AMD-1","kind":"trigger-threshold-change","change":{"terms":"loss trigger 6%"},"reason":"r","recordDate":"2026-12-01T00:00:00Z","expiry":"2026-12-31T00:00:00Z"}`,
			roles.Arranger, roles.Investor, "Amendment:Propose", true, nil, majority, 201},
		{"POST", "/v1/deals/D-1/amendments/AMD-1/votes", `{"tranche":"D-1-A","inFavour":true}`, roles.Investor, roles.Servicer, "Amendment:Vote", true, []string{"D-1", "AMD-1"}, trusteeBank, 201},
		{"POST", "/v1/deals/D-1/amendments/AMD-1/execution", "", roles.Trustee, roles.Investor, "Amendment:Execute", true, []string{"D-1", "AMD-1"}, majority, 200},
		{"GET", "/v1/deals/D-1/amendments/AMD-1", "", roles.Auditor, "", "Amendment:Get", false, []string{"D-1", "AMD-1"}, ownBank, 200},
		{"GET", "/v1/deals/D-1/amendments/AMD-1/votes/mine?tranche=D-1-A", "", roles.Investor, roles.Servicer, "Amendment:MyVote", false, []string{"D-1", "AMD-1", "D-1-A"}, ownBank, 200},
		{"GET", "/v1/deals/D-1/versions", "", roles.Auditor, "", "Amendment:History", false, []string{"D-1"}, ownBank, 200},
		{"POST", "/v1/deals/D-1/auctions", `{"id":"AUC-1","direction":"AMD-LIQ","opens":"2026-12-01T09:00:00Z","closes":"2026-12-01T17:00:00Z","reserve":"900.00"}`,
			roles.Trustee, roles.Investor, "Auction:Open", true,
			[]string{"D-1", `{"closes":"2026-12-01T17:00:00Z","direction":"AMD-LIQ","id":"AUC-1","opens":"2026-12-01T09:00:00Z","reserve":"900.00"}`}, majority, 201},
		{"POST", "/v1/deals/D-1/auctions/AUC-1/award", "", roles.Trustee, roles.Investor, "Auction:Award", true, []string{"D-1", "AUC-1"}, trusteeBank, 200},
		{"GET", "/v1/deals/D-1/auctions/AUC-1", "", roles.Auditor, "", "Auction:Get", false, []string{"D-1", "AUC-1"}, ownBank, 200},
		{"GET", "/v1/deals/D-1/auctions/AUC-1/bids/mine", "", roles.Investor, roles.Servicer, "Auction:MyBid", false, []string{"D-1", "AUC-1"}, ownBank, 200},
		{"GET", "/v1/pools/POOL-1/owner", "", roles.Auditor, "", "Auction:Owner", false, []string{"POOL-1"}, ownBank, 200},
	}
}

// TestResourcesRunTheirFunctionWithTheRightPeersAndRefuseOtherRoles calls
// every resource once by a role that may and once by one that may not.
func TestResourcesRunTheirFunctionWithTheRightPeersAndRefuseOtherRoles(t *testing.T) {
	for _, tc := range resourceCases() {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			ts := newTestServer(t)
			ts.ledger.script(tc.fn, func(ledger.Tx) (ledger.Result, error) { return ledger.Result{Payload: []byte(`{}`)}, nil })
			if tc.fn == "Servicing:GetFixings" || tc.fn == "Amendment:History" {
				ts.ledger.answer(tc.fn, []any{})
			}
			a := ts.do(tc.method, tc.path, tc.as, tc.body)
			if a.Status != tc.status {
				t.Fatalf("%s: %d %s", tc.as, a.Status, a.Body)
			}
			c := ts.ledger.last(t, tc.fn)
			if kind := map[bool]string{true: "submit", false: "evaluate"}[tc.submit]; c.Kind != kind {
				t.Errorf("%s was %sd, want %s", tc.fn, c.Kind, kind)
			}
			if tc.args != nil && !slices.Equal(c.Tx.Args, tc.args) {
				t.Errorf("args %q, want %q", c.Tx.Args, tc.args)
			}
			if !slices.Equal(c.Tx.Endorsers, tc.endorsers) {
				t.Errorf("peers %v, want %v", c.Tx.Endorsers, tc.endorsers)
			}
			if tc.submit && (a.Header.Get(api.HeaderTransactionID) == "" || a.Header.Get(api.HeaderBlockNumber) == "") {
				t.Errorf("a write answers with its transaction: %v", a.Header)
			}
			if tc.refused == "" {
				return
			}
			calls := len(ts.ledger.calls)
			r := ts.do(tc.method, tc.path, tc.refused, tc.body)
			if r.Status != http.StatusForbidden || r.problem(t).Code != api.CodeForbidden {
				t.Fatalf("%s may not: %d %s", tc.refused, r.Status, r.Body)
			}
			if len(ts.ledger.calls) != calls {
				t.Fatal("a refused role reached the ledger")
			}
		})
	}
}

func TestTransientDataNeverTravelsInArguments(t *testing.T) {
	ts := newTestServer(t)
	a := ts.do("PUT", "/v1/investors/"+pathA+"/attestation", roles.Compliance,
		`{"claims":{"investorType":"qib","jurisdiction":"US-CA","kycExpiry":"2030-01-01T00:00:00Z"},"dossier":{"name":"Bob Investor","lei":"5493001KJTIIGC8Y1R12"}}`)
	if a.Status != http.StatusOK {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	c := ts.ledger.last(t, "Identity:Attest")
	if strings.Contains(strings.Join(c.Tx.Args, " "), "Bob") {
		t.Fatalf("the dossier leaked into the arguments: %q", c.Tx.Args)
	}
	var stored struct {
		Dossier struct{ Name string }
		Salt    string
	}
	if err := json.Unmarshal(c.Tx.Transient["dossier"], &stored); err != nil || stored.Dossier.Name != "Bob Investor" || len(stored.Salt) != 32 {
		t.Fatalf("transient dossier %s (%v)", c.Tx.Transient["dossier"], err)
	}
	if c.Tx.Args[0] != holderA || !strings.Contains(c.Tx.Args[1], `"jurisdiction":"US-CA"`) {
		t.Fatalf("args %q", c.Tx.Args)
	}
}

func TestBadRequestsNameTheFieldAndReachNothing(t *testing.T) {
	for _, tc := range []struct {
		method, path, body string
		as                 roles.Role
		field              string
	}{
		{"POST", "/v1/tranches/D-1-A/transfers", `{"to":"Org3MSP/abc","units":5}`, roles.Investor, "to"},
		{"POST", "/v1/tranches/D-1-A/transfers", `{"to":"` + holderA + `","units":0}`, roles.Investor, "units"},
		{"POST", "/v1/tranches/D-1-A/transfers", `{"to":"` + holderA + `","units":1.5}`, roles.Investor, "units"},
		{"POST", "/v1/tranches/D-1-A/transfers", `{"to":"` + holderA + `","units":5,"memo":"x"}`, roles.Investor, "memo"},
		{"POST", "/v1/cash/mint", `{"amount":"-5.00"}`, roles.Settlement, "amount"},
		{"POST", "/v1/cash/mint", `{"amount":"5.001"}`, roles.Settlement, "amount"},
		{"PUT", "/v1/tranches/D-1-A/holders/" + pathA + "/freeze", `{"units":5,"all":true}`, roles.Trustee, "units"},
		{"POST", "/v1/pools", `{"id":"bad id","name":"x","originator":"Org2MSP","servicer":"Org2MSP","cutoffDate":"2025-12-31"}`, roles.Arranger, "id"},
		{"POST", "/v1/pools", `{"id":"P","name":"x","originator":"Org2MSP","servicer":"Org2MSP","cutoffDate":"31/12/2025"}`, roles.Arranger, "cutoffDate"},
		{"POST", "/v1/deals/D-1/documents", `{"name":"P","uri":"u","sha256":"nothex"}`, roles.Arranger, "sha256"},
		{"PUT", "/v1/investors/" + pathA + "/attestation", `{"claims":{"investorType":"qib","jurisdiction":"US","kycExpiry":"2030-01-01T00:00:00Z"},"dossier":"Bob"}`, roles.Compliance, "dossier"},
		{"POST", "/v1/settlements/T-2/check", `{"terms":{"tradeRef":"T-1","kind":"trade","tranche":"A","buyer":"` + holderA + `","units":1,"cash":"1.00","settlementDate":"2026-01-01","expiry":"2026-03-01T00:00:00Z","payment":"ledger","nonce":"00112233445566778899aabbccddeeff"}}`, roles.Investor, "terms.tradeRef"},
		{"POST", "/v1/settlements/T-1/cancellation", `{"side":"sideways"}`, roles.Investor, "side"},
		{"PUT", "/v1/deals/D-1/waterfall", `{"definition":{},"classes":[],"paymentDay":30,"feePayees":[]}`, roles.Arranger, "paymentDay"},
		{"GET", "/v1/tranches/bad%20id/supply", "", roles.Auditor, "tranche"},
		{"GET", "/v1/investors/Org3MSP/nothex/claims", "", roles.Auditor, "id"},
		{"GET", "/v1/deals/D-1/periods/0/report", "", roles.Auditor, "period"},
	} {
		t.Run(tc.path+" "+tc.field, func(t *testing.T) {
			ts := newTestServer(t)
			a := ts.do(tc.method, tc.path, tc.as, tc.body)
			p := a.problem(t)
			if a.Status != http.StatusBadRequest || p.Code != api.CodeBadInput || p.Field != tc.field {
				t.Fatalf("%d %s, want 400 naming %s", a.Status, a.Body, tc.field)
			}
			if len(ts.ledger.calls) != 0 {
				t.Fatalf("a bad request reached the ledger: %v", ts.ledger.calls)
			}
		})
	}
}

func TestChaincodeRefusalsKeepCodeRuleAndStatus(t *testing.T) {
	for _, tc := range []struct {
		fn, method, path, body string
		as                     roles.Role
		code                   errs.Code
		rule, status           int
	}{
		{"Token:Transfer", "POST", "/v1/tranches/D-1-A/transfers", `{"to":"` + holderA + `","units":5}`, roles.Investor, errs.RuleKYCExpired, 6, 422},
		{"Deal:Issue", "POST", "/v1/tranches/D-1-A/issuance", `{"units":5}`, roles.Arranger, errs.LimitExceeded, 0, 422},
		{"Pool:Get", "GET", "/v1/pools/NOPE", "", roles.Auditor, errs.NotFound, 0, 404},
		{"Servicing:Certify", "POST", "/v1/deals/D-1/periods/1/certification", "", roles.Trustee, errs.WrongState, 0, 409},
		{"Cash:Balance", "GET", "/v1/cash/balances/" + pathA, "", roles.Investor, errs.Forbidden, 0, 403},
	} {
		t.Run(tc.fn, func(t *testing.T) {
			ts := newTestServer(t)
			ts.ledger.refuse(tc.fn, tc.code, tc.rule, "refused by the chaincode")
			a := ts.do(tc.method, tc.path, tc.as, tc.body)
			p := a.problem(t)
			if a.Status != tc.status || p.Code != string(tc.code) || p.Rule != tc.rule || p.Detail != "refused by the chaincode" {
				t.Fatalf("%d %s", a.Status, a.Body)
			}
		})
	}
	ts := newTestServer(t)
	ts.ledger.script("Token:Transfer", func(ledger.Tx) (ledger.Result, error) {
		return ledger.Result{}, &ledger.Error{Kind: ledger.KindConflict, Message: "MVCC_READ_CONFLICT", TxID: "tx-9", Retryable: true}
	})
	a := ts.do("POST", "/v1/tranches/D-1-A/transfers", roles.Investor, `{"to":"`+holderA+`","units":5}`)
	if p := a.problem(t); a.Status != http.StatusConflict || p.Code != api.CodeTxConflict || p.TxID != "tx-9" || a.Header.Get("Retry-After") == "" {
		t.Fatalf("MVCC conflict: %d %s", a.Status, a.Body)
	}
}

func TestDryRunDefaultsTheSenderToTheCaller(t *testing.T) {
	ts := newTestServer(t)
	ts.ledger.answer("Token:CanTransfer", map[string]any{"allowed": false, "code": "RULE_FROZEN", "rule": 8, "message": "transfer refused: sender frozen (rule 8)"})
	a := ts.do("POST", "/v1/tranches/D-1-A/transfers/dry-run", roles.Investor, `{"to":"`+holderA+`","units":5}`)
	if a.Status != http.StatusOK || !strings.Contains(string(a.Body), `"rule":8`) {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	c := ts.ledger.last(t, "Token:CanTransfer")
	if c.Tx.Args[1] != ts.key(roles.Investor) || c.Kind != "evaluate" || !slices.Equal(c.Tx.Endorsers, trusteeBank) {
		t.Fatalf("dry run %+v", c)
	}
}
