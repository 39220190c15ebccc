package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/statement"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/indenture"
	"github.com/tranchenet/tranchenet/test-network/tnet"
)

// TestIntegrationIndentureDeal puts AUTO RECEIVABLES TRUST 2026-A, the
// waterfall golden tests' hand-worked indenture deal, on the real network
// through the three banks' gateway apps: its loan tape uploaded and
// sealed, its notes issued and placed, its waterfall set as written, two
// periods reported (loan rows and certificate lines), remitted, fixed and
// certified. Every certified figure is the hand-worked one to the cent,
// the trustee statement (JSON and CSV) prints them and is the same bytes
// at the trustee's bank and another bank, whose gateway replays each
// period identically. Then the same deal is moved onto the ledger again
// mid-life: a seasoned copy over the tape as of period 1, opened by the
// trustee from period 1's certificate, certifies period 2 to the same
// result and inputs hash.
func TestIntegrationIndentureDeal(t *testing.T) {
	tnet.RequireIntegration(t)
	began := time.Now()
	d, err := indenture.Load(tnet.RepoRoot())
	if err != nil {
		t.Fatal(err)
	}
	_, org1, org2, org3 := upWithBanks(t)
	step := func(what string) { t.Logf("%6.1fs  %s", time.Since(began).Seconds(), what) }
	step("network up, gateways started, roles granted")
	x := &indentureRun{t: t, d: d, org1: org1, org2: org2, org3: org3}
	x.alice, x.bob = org2.key("investor1"), org3.key("investor1")
	claims := map[string]any{"investorType": "qib", "jurisdiction": "US", "kycExpiry": time.Now().AddDate(1, 0, 0).UTC().Format(time.RFC3339)}
	org2.must(200, "PUT", "/v1/investors/"+x.alice+"/attestation", "compliance", map[string]any{"claims": claims, "dossier": map[string]string{"name": "alice"}})
	org3.must(200, "PUT", "/v1/investors/"+x.bob+"/attestation", "compliance", map[string]any{"claims": claims, "dossier": map[string]string{"name": "bob"}})
	org1.must(200, "POST", "/v1/cash/reserves", "settlement", map[string]string{"amount": "1000000000.00", "evidence": "sha256:reserve-statement-2026-01"})
	org1.must(200, "POST", "/v1/cash/mint", "settlement", map[string]string{"amount": "100000000.00"})
	org1.must(200, "POST", "/v1/cash/payments", "settlement", map[string]string{"to": org1.key("arranger"), "amount": "1000000.00"})
	org1.must(200, "POST", "/v1/cash/payments", "settlement", map[string]string{"to": org2.key("servicer"), "amount": "20000000.00"})

	step("the indenture deal: tape, notes, waterfall as written")
	tape, err := d.Tape()
	if err != nil {
		t.Fatal(err)
	}
	from := x.openDeal("IND-A", tape, "2025-12-31", false)
	certs := map[int]json.RawMessage{}
	for p := 1; p <= indenture.Periods; p++ {
		step(fmt.Sprintf("period %d reported, certified, checked against the hand-worked figures", p))
		certs[p] = x.period(from, p)
	}

	step("the same deal moved onto the ledger after period 1, opened from its certificate")
	seasoned, err := d.SeasonedTape(1)
	if err != nil {
		t.Fatal(err)
	}
	var res1 waterfall.Result
	if err := json.Unmarshal(certs[1], &res1); err != nil {
		t.Fatal(err)
	}
	opened := x.openDeal("IND-S", seasoned, "2026-01-31", true)
	cert := waterfall.CertificateOf(d.Def, res1)
	org1.must(200, "PUT", "/v1/deals/"+opened.deal+"/opening", "trustee", cert)
	// Another bank reads the opening: the state period 2 starts from.
	var opening schema.Opening
	org3.must(200, "GET", "/v1/deals/"+opened.deal+"/opening", "auditor", nil).decode(t, &opening)
	if opening.Deal != opened.deal || opening.Period != 1 || len(opening.CertificateHash) != 64 || opening.OpenedBy == "" ||
		len(opening.State.Reserves) != len(res1.NewState.Reserves) || opening.State.Reserves[0].Balance != res1.NewState.Reserves[0].Balance {
		t.Fatalf("the opening Org3 reads: %+v", opening)
	}
	var status struct{ Period, OpenedAt int }
	org3.must(200, "GET", "/v1/deals/"+opened.deal+"/servicing", "auditor", nil).decode(t, &status)
	if status.Period != 1 || status.OpenedAt != 1 {
		t.Fatalf("seasoned deal status %+v", status)
	}
	x.issue(opened, res1.NewState.Reserves[0].Balance)
	if got := x.period(opened, 2); !bytes.Equal(got, certs[2]) || opened.inputsHash[2] != from.inputsHash[2] {
		t.Fatalf("period 2 of the seasoned deal differs from the deal run from closing (inputs %s, %s):\n%s\n%s",
			opened.inputsHash[2], from.inputsHash[2], got, certs[2])
	}
	step("done")
}

// indentureRun carries the run's banks and investors.
type indentureRun struct {
	t                *testing.T
	d                *indenture.Deal
	org1, org2, org3 *bank
	alice, bob       string
}

// indentureDeal is one deal of the run: IDs and class → tranche map.
type indentureDeal struct {
	pool, deal string
	tranches   map[string]string
	inputsHash map[int]string
}

// openDeal creates the pool from the tape, seals it, creates the deal with
// one tranche per class and sets the golden waterfall (seasoned: the
// trustee opens it next). A deal from closing gets its units and reserve
// at once.
func (x *indentureRun) openDeal(id string, tape []loantape.Loan, cutoff string, seasoned bool) *indentureDeal {
	t, d := x.t, x.d
	deal := &indentureDeal{pool: "POOL-" + id, deal: id, tranches: map[string]string{}, inputsHash: map[int]string{}}
	x.org1.must(201, "POST", "/v1/pools", "arranger", map[string]string{"id": deal.pool, "name": "Indenture pool " + id,
		"originator": "Org2MSP", "servicer": "Org2MSP", "cutoffDate": cutoff})
	var csv bytes.Buffer
	w := loantape.NewCSVWriter[loantape.Loan](&csv)
	for _, l := range tape {
		w.Write(l)
	}
	w.Flush()
	if r := x.org2.send("PUT", fmt.Sprintf("/v1/pools/%s/loans?loanCount=%d", deal.pool, len(tape)), "servicer", csv.Bytes(), "text/csv", "tape-"+id); r.status != 200 {
		t.Fatalf("tape upload: %d %s", r.status, r.body)
	}
	x.org2.must(200, "POST", "/v1/pools/"+deal.pool+"/seal", "servicer", nil)

	rules := map[string]any{"eligibleInvestorTypes": []string{"qib"}, "allowedJurisdictions": []string{"US"},
		"consortiumMSPs": []string{"Org1MSP", "Org2MSP", "Org3MSP"}}
	var tranches []map[string]any
	var classes []map[string]string
	for i, c := range d.Def.Classes {
		tid := fmt.Sprintf("%s-%d", id, i+1)
		deal.tranches[c.Name] = tid
		tr := map[string]any{"id": tid, "class": c.Name, "seniority": c.Rank, "kind": "note", "originalFace": c.OriginalBalance,
			"unitFace": "1000.00", "legalFinalDate": "2032-06-15", "rules": rules}
		if c.Residual {
			tr["kind"], tr["originalFace"] = "certificate", money.FromMajor(10000)
		} else {
			dayCount := c.DayCount
			if dayCount == "" {
				dayCount = d.Def.DayCount
			}
			coupon := map[string]any{"dayCount": dayCount}
			if c.Coupon.Fixed != nil {
				coupon["fixed"] = c.Coupon.Fixed
			} else {
				coupon["index"], coupon["margin"] = c.Coupon.Index, c.Coupon.Margin
			}
			tr["coupon"] = coupon
		}
		tranches = append(tranches, tr)
		classes = append(classes, map[string]string{"class": c.Name, "tranche": tid})
	}
	x.org1.must(201, "POST", "/v1/deals", "arranger", map[string]any{"id": id, "name": "Auto Receivables Trust 2026-A (" + id + ")",
		"pool": deal.pool, "requiredCollateralization": "0.95", "tranches": tranches})
	x.org1.must(200, "PUT", "/v1/deals/"+id+"/waterfall", "arranger", map[string]any{"definition": json.RawMessage(d.Definition),
		"classes": classes, "paymentDay": 15, "seasoned": seasoned,
		"feePayees": []map[string]string{{"fee": d.Def.Fees[0].Name, "payee": x.org2.key("servicer")}, {"fee": d.Def.Fees[1].Name, "payee": x.org1.key("trustee")}}})
	if !seasoned {
		x.issue(deal, d.Def.Reserves[0].InitialBalance)
	}
	return deal
}

// issue mints and places every tranche's units (60 % alice, the rest
// bob) and funds the reserve.
func (x *indentureRun) issue(deal *indentureDeal, reserve money.Amount) {
	for _, tid := range deal.tranches {
		var tr struct{ OriginalFace, UnitFace money.Amount }
		x.org3.must(200, "GET", "/v1/tranches/"+tid, "auditor", nil).decode(x.t, &tr)
		units := int64(tr.OriginalFace / tr.UnitFace)
		x.org1.must(200, "POST", "/v1/tranches/"+tid+"/issuance", "arranger", map[string]int64{"units": units})
		x.org1.must(200, "POST", "/v1/tranches/"+tid+"/placements", "trustee", map[string]any{"investor": x.alice, "units": units * 6 / 10})
		x.org1.must(200, "POST", "/v1/tranches/"+tid+"/placements", "trustee", map[string]any{"investor": x.bob, "units": units - units*6/10})
	}
	x.org1.must(200, "POST", "/v1/deals/"+deal.deal+"/reserves/"+x.d.Def.Reserves[0].Name+"/deposits", "arranger", map[string]string{"amount": reserve.String()})
}

// period reports, remits, fixes and certifies period p, checks every
// hand-worked figure of the certification and the trustee statement, the
// statement's equality across banks and its CSV, and the replay at
// another bank; it returns the certified result.
func (x *indentureRun) period(deal *indentureDeal, p int) json.RawMessage {
	t, d := x.t, x.d
	ps := fmt.Sprint(p)
	rows, err := d.Rows(p)
	if err != nil {
		t.Fatal(err)
	}
	for index, rate := range d.Periods[p-1].IndexFixings {
		x.org1.must(200, "PUT", "/v1/deals/"+deal.deal+"/periods/"+ps+"/fixings/"+index, "trustee", map[string]string{"rate": rate.String()})
	}
	q := d.ReportQuery(p)
	r := x.org2.send("POST", "/v1/deals/"+deal.deal+"/reports?"+q.Encode(), "servicer", reportFile(t, rows, false), "text/csv", fmt.Sprintf("report-%s-%d", deal.deal, p))
	if r.status != 201 {
		t.Fatalf("period %d report: %d %s", p, r.status, r.body)
	}
	x.org2.must(200, "POST", "/v1/deals/"+deal.deal+"/collections", "servicer", map[string]string{"amount": d.Remittance(p).String()})
	x.org1.must(200, "POST", "/v1/deals/"+deal.deal+"/periods/"+ps+"/certification", "trustee", nil)

	var cert struct {
		Result     json.RawMessage
		InputsHash string
	}
	x.org3.must(200, "GET", "/v1/deals/"+deal.deal+"/periods/"+ps+"/certification", "auditor", nil).decode(t, &cert)
	if bad := d.CheckResult(p, cert.Result); len(bad) > 0 {
		t.Fatalf("deal %s period %d certified figures differ from the hand-worked ones:\n%v", deal.deal, p, bad)
	}
	deal.inputsHash[p] = cert.InputsHash

	path := "/v1/deals/" + deal.deal + "/periods/" + ps + "/trustee-statement"
	trustee, other := x.org1.must(200, "GET", path, "trustee", nil), x.org3.must(200, "GET", path, "auditor", nil)
	if !bytes.Equal(trustee.body, other.body) {
		t.Fatalf("period %d: the trustee statements differ between banks", p)
	}
	var st statement.Statement
	other.decode(t, &st)
	if bad := d.CheckStatement(p, st); len(bad) > 0 {
		t.Fatalf("deal %s period %d trustee statement:\n%v", deal.deal, p, bad)
	}
	var local bytes.Buffer
	if err := st.WriteCSV(&local); err != nil {
		t.Fatal(err)
	}
	csv := x.org3.must(200, "GET", path+"?format=csv", "auditor", nil)
	if !bytes.Equal(csv.body, local.Bytes()) {
		t.Fatalf("period %d: the CSV statement is not the JSON statement's figures:\n%s", p, csv.body)
	}
	t.Logf("deal %s period %d trustee statement (CSV):\n%s", deal.deal, p, csv.body)

	var replay struct {
		Local, Chaincode struct{ Match bool }
		Agree            bool
	}
	x.org3.must(200, "GET", "/v1/deals/"+deal.deal+"/periods/"+ps+"/replay", "auditor", nil).decode(t, &replay)
	if !replay.Agree || !replay.Local.Match || !replay.Chaincode.Match {
		t.Fatalf("deal %s period %d replay at another bank: %+v", deal.deal, p, replay)
	}
	return cert.Result
}
