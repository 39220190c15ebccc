package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/lease"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/test-network/autodeal"
	"github.com/tranchenet/tranchenet/test-network/loansim"
)

// The demo of another asset class (-asset-class mortgage|leases): after
// the same roles, onboarding and attestation as the auto deal, one pool of
// that class goes up in the servicer's own file layout (Schedule AL rows,
// lease rows) through the servicer bank's REST API, is checked and sealed
// on chain, backs a deal of the class's usual structure, and runs for
// classPeriods monthly reports, each certified by the trustee, replayed at
// the investor bank and claimed by its holders. The waterfalls are the
// integration tests' (test-network/autodeal), sent as JSON.

// Asset classes the demo runs; auto is the whole deal's life of main.go.
const (
	classAuto     = "auto"
	classMortgage = "mortgage"
	classLeases   = "leases"
	// classCards is a credit-card master trust: pool-level reports, no
	// tape (assetclass_cards.go).
	classCards = "cards"
)

// classPeriods is how many monthly reports a class deal runs: the
// mortgage deal's subordinates are locked out of prepayments for two, so
// the third shows the step-down.
const classPeriods = 3

// classLoans is the size of a class demo's pool.
const classLoans = 300

// leaseDiscountRate is the lease deal's discount rate, at which the pool
// is valued.
var leaseDiscountRate = decimal.RequireFromString("0.065")

// classPool is a simulated pool of one class in its servicer's file
// layout: the tape as CSV with its sealed balance, and each month's report
// as CSV with the rows the chaincode projects it onto (whose aggregates
// say what the servicer remits).
type classPool struct {
	class, name string
	poolFields  map[string]string
	tape        []byte
	rows        int
	balance     money.Amount
	nextReport  func() (period loantape.Period, csv []byte, rows []loantape.PeriodRow, err error)
	waterfall   func(deal string, faces map[string]money.Amount, tranches map[string]string) any
	coupons     map[string]string
	residual    string
	seniorShare int64 // per mille of the pool's dollars in class A
	description string
}

// newClassPool simulates the class's pool from the run's seed.
func newClassPool(class string, seed uint64, servicingPayee, otherPayee string) (*classPool, error) {
	spec := loansim.PoolSpec{Seed: seed, Loans: classLoans, Cutoff: loantape.Month{Year: 2025, Month: time.December}}
	switch class {
	case classMortgage:
		sim, err := loansim.NewMortgage(spec)
		if err != nil {
			return nil, err
		}
		p := &classPool{class: class, name: "Residential mortgage pool", poolFields: map[string]string{"assetClass": class},
			coupons: map[string]string{"A": "0.050", "B": "0.055"}, residual: "R", seniorShare: 925,
			description: "senior/subordinate with shifting interest: B locked out of prepayments for two periods, then stepping down"}
		newWriter := func(w io.Writer) rowWriter[mortgage.ALRow] { return mortgage.NewALWriter(w) }
		if err := simulateClassPool(p, sim.Tape(), func(r mortgage.ALRow) money.Amount { return r.EndingBalance }, newWriter, sim.Advance); err != nil {
			return nil, err
		}
		p.waterfall = func(deal string, faces map[string]money.Amount, tranches map[string]string) any {
			return autodeal.RMBSWaterfall{Deal: deal, PoolBalance: p.balance, Faces: faces, Coupons: p.coupons, Residual: p.residual,
				LockoutPeriods: 2, Tranches: tranches, ServicingPayee: servicingPayee, GuaranteePayee: otherPayee}.Terms()
		}
		return p, nil
	case classLeases:
		sim, err := loansim.NewLeases(spec, leaseDiscountRate)
		if err != nil {
			return nil, err
		}
		p := &classPool{class: class, name: "Equipment lease pool", poolFields: map[string]string{"assetClass": class, "discountRate": leaseDiscountRate.String()},
			coupons: map[string]string{"A": "0.048", "B": "0.060"}, residual: "C", seniorShare: 850,
			description: "sequential on the discounted pool balance at " + leaseDiscountRate.String() + ", principal = its decline + the OC top-up"}
		newWriter := func(w io.Writer) rowWriter[lease.Row] { return lease.NewWriter(w) }
		if err := simulateClassPool(p, sim.Tape(), func(r lease.Row) money.Amount { return r.DiscountedBalance }, newWriter, sim.Advance); err != nil {
			return nil, err
		}
		p.waterfall = func(deal string, faces map[string]money.Amount, tranches map[string]string) any {
			return autodeal.LeaseWaterfall{Deal: deal, PoolBalance: p.balance, Faces: faces, Coupons: p.coupons, Residual: p.residual,
				Tranches: tranches, ServicingPayee: servicingPayee}.Terms()
		}
		return p, nil
	}
	return nil, fmt.Errorf("asset class %q: the demo runs %s, %s, %s or %s", class, classAuto, classMortgage, classLeases, classCards)
}

// rowWriter writes a class's rows in its servicer's file layout.
type rowWriter[R any] interface {
	Write(R) error
	Flush() error
}

// classRow is a class's loan-level row, projected onto the common report
// row the chaincode aggregates.
type classRow interface{ PeriodRow() loantape.PeriodRow }

// simulateClassPool sets the pool's tape (its CSV, row count and sealed
// balance) and its monthly reports from a class's simulator.
func simulateClassPool[R classRow](p *classPool, tape []R, balanceOf func(R) money.Amount, newWriter func(io.Writer) rowWriter[R], advance func() (loantape.Period, []R)) error {
	var err error
	if p.tape, err = writeRows(tape, newWriter); err != nil {
		return err
	}
	for _, r := range tape {
		p.balance += balanceOf(r)
	}
	p.rows = len(tape)
	p.nextReport = func() (loantape.Period, []byte, []loantape.PeriodRow, error) {
		period, rows := advance()
		out := make([]loantape.PeriodRow, len(rows))
		for i, r := range rows {
			out[i] = r.PeriodRow()
		}
		file, err := writeRows(rows, newWriter)
		return period, file, out, err
	}
	return nil
}

// writeRows writes rows as one file.
func writeRows[R any](rows []R, newWriter func(io.Writer) rowWriter[R]) ([]byte, error) {
	var buf bytes.Buffer
	w := newWriter(&buf)
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil { // before buf.Bytes: the last rows are still in the writer
		return nil, err
	}
	return buf.Bytes(), nil
}

// classSteps is the life of a deal of another class, after the shared
// setup.
func (d *demo) classSteps() []step {
	if d.assetClass == classCards {
		return d.cardSteps()
	}
	s := []step{
		{"Pool of " + d.assetClass + ": the servicer's own file layout uploaded, checked on chain and sealed", (*demo).classOriginate},
		{"Deal: notes A and B and a certificate, placed with investors at two banks", (*demo).classStructure},
	}
	for p := 1; p <= classPeriods; p++ {
		s = append(s, step{fmt.Sprintf("Period %d: the servicer's %s report, certified, replayed at the investor bank, claimed", p, d.assetClass),
			func(d *demo) error { return d.classPeriod(p) }})
	}
	return s
}

// classOriginate creates the pool with its class and uploads its tape.
func (d *demo) classOriginate() error {
	p, err := newClassPool(d.assetClass, uint64(2026+d.runNumber), d.svcr.key, d.trustee.key)
	if err != nil {
		return err
	}
	d.classPool = p
	body := map[string]string{"id": d.poolID, "name": p.name, "originator": d.servicerBank.MSP, "servicer": d.servicerBank.MSP, "cutoffDate": "2025-12-31"}
	for k, v := range p.poolFields {
		body[k] = v
	}
	if _, err := d.arranger.post(d.ctx, "/v1/pools", body, nil); err != nil {
		return err
	}
	if err := d.svcr.gw.upload(d.ctx, http.MethodPut, fmt.Sprintf("/v1/pools/%s/loans?loanCount=%d", d.poolID, p.rows), d.svcr.user, "text/csv", p.tape, nil); err != nil {
		return err
	}
	tx, err := d.svcr.post(d.ctx, "/v1/pools/"+d.poolID+"/seal", nil, nil)
	if err != nil {
		return err
	}
	var view struct {
		Pool struct {
			AssetClass string       `json:"assetClass"`
			Balance    money.Amount `json:"balance"`
			LoanCount  int          `json:"loanCount"`
		} `json:"pool"`
	}
	if err := d.auditor.get(d.ctx, "/v1/pools/"+d.poolID, &view); err != nil {
		return err
	}
	if view.Pool.AssetClass != p.class || view.Pool.Balance != p.balance || view.Pool.LoanCount != p.rows {
		return fmt.Errorf("pool %s as the investor bank reads it: %+v; the servicer's tape holds %d %s rows of %s", d.poolID, view.Pool, p.rows, p.class, p.balance)
	}
	d.poolBalance = p.balance
	d.out.say("%s: %d %s rows (%s bytes of CSV), balance %s, sealed · tx %s; the investor bank reads the same class, count and balance",
		d.poolID, p.rows, p.class, units(int64(len(p.tape))), usd(p.balance), shortTx(tx))
	return nil
}

// classStructure creates the deal, sets its waterfall, issues every class
// and places 60 % with alice and the rest with bob, and funds the
// servicer's remittances.
func (d *demo) classStructure() error {
	p := d.classPool
	dollars := p.balance.Cents() / 100
	d.faces = map[string]money.Amount{"A": money.FromMajor(dollars * p.seniorShare / 1000)}
	d.faces["B"] = money.FromMajor(dollars*97/100) - d.faces["A"]
	d.faces[p.residual] = money.FromMajor(10)
	classes := []string{"A", "B", p.residual}
	tranches, err := d.createClassDeal(p.name+" deal", classes, p.coupons, "2056-01-15")
	if err != nil {
		return err
	}
	if err := d.setWaterfallAndPlace(p.waterfall(d.dealID, d.faces, tranches), classes, tranches); err != nil {
		return err
	}
	// A pool pays down far less than its balance in three months: fund
	// the servicer's remittances with the balance itself.
	if err := d.mintAndPay(cashPayment{d.svcr, p.balance}); err != nil {
		return err
	}
	d.out.say("%s: A %s, B %s, certificate %s (%s); 60 %% with alice@%s, 40 %% with bob@%s",
		d.dealID, usd(d.faces["A"]), usd(d.faces["B"]), usd(d.faces[p.residual]), p.description, d.investors[alice].gw.MSP, d.investors[bob].gw.MSP)
	return nil
}

// createClassDeal creates the run's deal on its pool with a tranche per
// class (d.faces; a class without a coupon is the certificate) and
// returns each class's tranche.
func (d *demo) createClassDeal(name string, classes []string, coupons map[string]string, legalFinal string) (map[string]string, error) {
	rules := map[string]any{"eligibleInvestorTypes": []string{"qib"}, "allowedJurisdictions": []string{"US"}, "consortiumMSPs": d.custodians}
	var specs []map[string]any
	tranches := map[string]string{}
	for i, class := range classes {
		tid := trancheID(d.dealID, class)
		tranches[class] = tid
		tr := map[string]any{"id": tid, "class": class, "seniority": i + 1, "kind": "note", "originalFace": d.faces[class],
			"unitFace": "1.00", "legalFinalDate": legalFinal, "rules": rules}
		if c, ok := coupons[class]; ok {
			tr["coupon"] = map[string]any{"fixed": c, "dayCount": "30/360"}
		} else {
			tr["kind"] = "certificate"
		}
		specs = append(specs, tr)
	}
	_, err := d.arranger.post(d.ctx, "/v1/deals", map[string]any{"id": d.dealID, "name": name, "pool": d.poolID,
		"requiredCollateralization": "1", "tranches": specs}, nil)
	return tranches, err
}

// setWaterfallAndPlace sets the deal's waterfall terms (the JSON of
// Servicing:SetWaterfall's argument, which PUT .../waterfall takes),
// issues every class and places 60 % with alice, the rest with bob.
func (d *demo) setWaterfallAndPlace(terms any, classes []string, tranches map[string]string) error {
	body, err := json.Marshal(terms)
	if err != nil {
		return err
	}
	if _, err := d.arranger.put(d.ctx, "/v1/deals/"+d.dealID+"/waterfall", json.RawMessage(body), nil); err != nil {
		return err
	}
	for _, class := range classes {
		units := d.faces[class].Cents() / 100
		if _, err := d.arranger.post(d.ctx, "/v1/tranches/"+tranches[class]+"/issuance", map[string]int64{"units": units}, nil); err != nil {
			return err
		}
		for _, h := range []struct {
			holder holder
			units  int64
		}{{alice, units * 6 / 10}, {bob, units - units*6/10}} {
			if _, err := d.trustee.post(d.ctx, "/v1/tranches/"+tranches[class]+"/placements", map[string]any{"investor": d.investors[h.holder].key, "units": h.units}, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// classPeriod uploads the month's report in the class's layout, remits
// the collections of its projected rows, certifies, checks the published
// period at the investor bank and has both holders claim.
func (d *demo) classPeriod(period int) error {
	month, csv, rows, err := d.classPool.nextReport()
	if err != nil {
		return err
	}
	agg := loantape.NewReportAggregator(month)
	for _, r := range rows {
		if err := agg.Add(r); err != nil {
			return err
		}
	}
	a := agg.Aggregates()
	collections := a.InterestCollected + a.ScheduledPrincipal + a.Prepayments + a.Recoveries + a.RepossessionProceeds
	if err := d.svcr.gw.upload(d.ctx, http.MethodPost, fmt.Sprintf("/v1/deals/%s/reports?loanCount=%d", d.dealID, len(rows)), d.svcr.user, "text/csv", csv, nil); err != nil {
		return err
	}
	res, proof, claimed, err := d.remitCertifyClaim(period, collections, []string{"A", "B", d.classPool.residual})
	if err != nil {
		return err
	}
	var paid []string
	for _, c := range res.Classes {
		paid = append(paid, fmt.Sprintf("%s %s", c.Class, usd(c.InterestPaid+c.PrincipalPaid+c.ResidualPaid)))
	}
	d.out.say("%d rows, collections %s · pool %s → %s · paid %v · replayed at %s: identical · %s · holders claimed %s",
		len(rows), usd(collections), usd(res.Pool.BeginningBalance), usd(res.Pool.EndingBalance), paid, d.auditor.gw.MSP, proof.text(), usd(claimed))
	return nil
}

// remitCertifyClaim remits a reported period's collections, certifies it,
// checks the published period at the investor bank (replay, proof of
// reserve) and has the holders claim; it returns the certified result,
// the proof and what was claimed.
func (d *demo) remitCertifyClaim(period int, collections money.Amount, classes []string) (waterfall.Result, reserveProof, money.Amount, error) {
	if _, err := d.svcr.post(d.ctx, "/v1/deals/"+d.dealID+"/collections", map[string]string{"amount": collections.String()}, nil); err != nil {
		return waterfall.Result{}, reserveProof{}, 0, err
	}
	if _, err := d.trustee.post(d.ctx, fmt.Sprintf("/v1/deals/%s/periods/%d/certification", d.dealID, period), nil, nil); err != nil {
		return waterfall.Result{}, reserveProof{}, 0, err
	}
	res, proof, err := d.published(period)
	if err != nil {
		return res, proof, 0, err
	}
	d.last = res
	claimed, err := d.classClaims(classes)
	return res, proof, claimed, err
}

// classClaims has alice and bob claim what each class accrued them.
func (d *demo) classClaims(classes []string) (money.Amount, error) {
	var total money.Amount
	for _, h := range []holder{alice, bob} {
		inv := d.investors[h]
		for _, class := range classes {
			// Only what accrued is claimed (a claim of nothing is refused
			// at commit; see claims.go).
			tranche := "/v1/tranches/" + trancheID(d.dealID, class)
			var acc struct {
				Claimable money.Amount `json:"claimable"`
			}
			if err := inv.get(d.ctx, tranche+"/holders/"+inv.key+"/accrual", &acc); err != nil {
				return 0, err
			}
			if acc.Claimable == 0 {
				continue
			}
			var out struct {
				Amount money.Amount `json:"amount"`
			}
			if _, err := inv.post(d.ctx, tranche+"/claims", nil, &out); err != nil {
				return 0, err
			}
			total += out.Amount
		}
	}
	return total, nil
}
