package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/statement"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/test-network/indenture"
)

// The indenture deal: AUTO RECEIVABLES TRUST 2026-A, the waterfall's
// hand-worked golden deal written as a US auto-loan indenture reads (an
// adjusted pool with a YSOC schedule, the servicing fee on the pool
// including YSOC, a stub first period with 30/360 and ACT/360 classes on
// business-day adjusted dates, a fixed-dollar OC target, a reserve earning
// interest, trustee expenses as incurred under an annual cap), put on the
// ledger on a dozen-loan pool and run for two periods through the
// gateways; each period's trustee statement is printed and checked against
// the hand-worked figures, and replayed at the investor bank.

// indentureTitle is the demo step's title.
const indentureTitle = "Indenture deal: AUTO RECEIVABLES TRUST 2026-A, two periods, trustee statements checked to the cent"

func (d *demo) indentureDeal() error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	deal, err := indenture.Load(root)
	if err != nil {
		return err
	}
	id := fmt.Sprintf("IND-DEMO-%d", d.runNumber)
	if err := d.fundIndenture(deal); err != nil {
		return err
	}
	if err := d.structureIndenture(deal, id); err != nil {
		return err
	}
	for p := 1; p <= indenture.Periods; p++ {
		if err := d.indenturePeriod(deal, id, p); err != nil {
			return err
		}
	}
	return nil
}

// fundIndenture mints the servicer's two periods of remittances and the
// arranger's reserve deposit.
func (d *demo) fundIndenture(deal *indenture.Deal) error {
	return d.mintAndPay(cashPayment{d.arranger, deal.Def.Reserves[0].InitialBalance}, cashPayment{d.svcr, deal.Remittance(1) + deal.Remittance(2)})
}

// cashPayment is cash the settlement agent pays an actor.
type cashPayment struct {
	to     *actor
	amount money.Amount
}

// mintAndPay has the settlement agent attest reserves for, mint and pay
// the cash a later deal of the demo needs.
func (d *demo) mintAndPay(pays ...cashPayment) error {
	var supply schema.CashSupplyView
	if err := d.auditor.get(d.ctx, "/v1/cash/supply", &supply); err != nil {
		return err
	}
	var mint money.Amount
	for _, p := range pays {
		mint += p.amount
	}
	if _, err := d.settlementAgent.post(d.ctx, "/v1/cash/reserves", map[string]string{"amount": (supply.Outstanding + mint).String(),
		"evidence": "reserve statement " + time.Now().UTC().Format(time.DateOnly)}, nil); err != nil {
		return err
	}
	if _, err := d.settlementAgent.post(d.ctx, "/v1/cash/mint", map[string]string{"amount": mint.String()}, nil); err != nil {
		return err
	}
	for _, p := range pays {
		if _, err := d.settlementAgent.post(d.ctx, "/v1/cash/payments", map[string]string{"to": p.to.key, "amount": p.amount.String()}, nil); err != nil {
			return err
		}
	}
	return nil
}

// structureIndenture uploads and seals the tape, creates the deal with a
// tranche per class, sets the golden waterfall, issues and places the
// units with alice and bob and funds the reserve.
func (d *demo) structureIndenture(deal *indenture.Deal, id string) error {
	pool := "POOL-" + id
	tape, err := deal.Tape()
	if err != nil {
		return err
	}
	if _, err := d.arranger.post(d.ctx, "/v1/pools", map[string]string{"id": pool, "name": "Auto Receivables Trust 2026-A pool",
		"originator": d.servicerBank.MSP, "servicer": d.servicerBank.MSP, "cutoffDate": indenture.Cutoff.LastDay().String()}, nil); err != nil {
		return err
	}
	var csv bytes.Buffer
	w := loantape.NewCSVWriter[loantape.Loan](&csv)
	for _, l := range tape {
		w.Write(l)
	}
	w.Flush()
	if err := d.svcr.gw.upload(d.ctx, http.MethodPut, fmt.Sprintf("/v1/pools/%s/loans?loanCount=%d", pool, len(tape)), d.svcr.user, "text/csv", csv.Bytes(), nil); err != nil {
		return err
	}
	if _, err := d.svcr.post(d.ctx, "/v1/pools/"+pool+"/seal", nil, nil); err != nil {
		return err
	}
	rules := map[string]any{"eligibleInvestorTypes": []string{"qib"}, "allowedJurisdictions": []string{"US"}, "consortiumMSPs": d.custodians}
	tranches := map[string]string{}
	var specs []map[string]any
	var classes []map[string]string
	for i, c := range deal.Def.Classes {
		tid := fmt.Sprintf("%s-%d", id, i+1)
		tranches[c.Name] = tid
		tr := map[string]any{"id": tid, "class": c.Name, "seniority": c.Rank, "kind": "note", "originalFace": c.OriginalBalance,
			"unitFace": "1000.00", "legalFinalDate": "2032-06-15", "rules": rules}
		if c.Residual {
			tr["kind"], tr["originalFace"] = "certificate", money.FromMajor(10000)
		} else {
			coupon := map[string]any{"dayCount": deal.Def.DayCount}
			if c.DayCount != "" {
				coupon["dayCount"] = c.DayCount
			}
			if c.Coupon.Fixed != nil {
				coupon["fixed"] = c.Coupon.Fixed
			} else {
				coupon["index"], coupon["margin"] = c.Coupon.Index, c.Coupon.Margin
			}
			tr["coupon"] = coupon
		}
		specs = append(specs, tr)
		classes = append(classes, map[string]string{"class": c.Name, "tranche": tid})
	}
	if _, err := d.arranger.post(d.ctx, "/v1/deals", map[string]any{"id": id, "name": "Auto Receivables Trust 2026-A", "pool": pool,
		"requiredCollateralization": "0.95", "tranches": specs}, nil); err != nil {
		return err
	}
	if _, err := d.arranger.put(d.ctx, "/v1/deals/"+id+"/waterfall", map[string]any{"definition": json.RawMessage(deal.Definition),
		"classes": classes, "paymentDay": 15, "feePayees": []map[string]string{
			{"fee": deal.Def.Fees[0].Name, "payee": d.svcr.key}, {"fee": deal.Def.Fees[1].Name, "payee": d.trustee.key}}}, nil); err != nil {
		return err
	}
	for _, c := range deal.Def.Classes {
		tid := tranches[c.Name]
		face := c.OriginalBalance
		if c.Residual {
			face = money.FromMajor(10000)
		}
		units := face.Cents() / 100_000
		if _, err := d.arranger.post(d.ctx, "/v1/tranches/"+tid+"/issuance", map[string]int64{"units": units}, nil); err != nil {
			return err
		}
		for _, h := range []struct {
			holder holder
			units  int64
		}{{alice, units * 6 / 10}, {bob, units - units*6/10}} {
			if _, err := d.trustee.post(d.ctx, "/v1/tranches/"+tid+"/placements", map[string]any{"investor": d.investors[h.holder].key, "units": h.units}, nil); err != nil {
				return err
			}
		}
	}
	reserve := deal.Def.Reserves[0]
	if _, err := d.arranger.post(d.ctx, "/v1/deals/"+id+"/reserves/"+reserve.Name+"/deposits", map[string]string{"amount": reserve.InitialBalance.String()}, nil); err != nil {
		return err
	}
	d.out.say("%s: %d loans, pool %s, YSOC %s, notes %s, certificates %s; placed with alice and bob; reserve %s",
		id, len(tape), usd(deal.Def.InitialPoolBalance), usd(deal.Def.YieldSupplement.Schedule[0]), noteTotal(deal), usd(money.FromMajor(10000)), usd(reserve.InitialBalance))
	return nil
}

func noteTotal(deal *indenture.Deal) string {
	var t money.Amount
	for _, c := range deal.Def.Classes {
		t += c.OriginalBalance
	}
	return usd(t)
}

// indenturePeriod reports, remits, fixes and certifies period p, prints
// the trustee statement and checks it, the certification and the replay
// at the investor bank.
func (d *demo) indenturePeriod(deal *indenture.Deal, id string, p int) error {
	rows, err := deal.Rows(p)
	if err != nil {
		return err
	}
	for index, rate := range deal.Periods[p-1].IndexFixings {
		if _, err := d.trustee.put(d.ctx, fmt.Sprintf("/v1/deals/%s/periods/%d/fixings/%s", id, p, index), map[string]string{"rate": rate.String()}, nil); err != nil {
			return err
		}
	}
	var file bytes.Buffer
	w := loantape.NewCSVWriter[loantape.PeriodRow](&file)
	for _, r := range rows {
		w.Write(r)
	}
	w.Flush()
	if err := d.svcr.gw.upload(d.ctx, http.MethodPost, "/v1/deals/"+id+"/reports?"+deal.ReportQuery(p).Encode(), d.svcr.user, "text/csv", file.Bytes(), nil); err != nil {
		return err
	}
	if _, err := d.svcr.post(d.ctx, "/v1/deals/"+id+"/collections", map[string]string{"amount": deal.Remittance(p).String()}, nil); err != nil {
		return err
	}
	if _, err := d.trustee.post(d.ctx, fmt.Sprintf("/v1/deals/%s/periods/%d/certification", id, p), nil, nil); err != nil {
		return err
	}
	path := fmt.Sprintf("/v1/deals/%s/periods/%d", id, p)
	var cert struct{ Result json.RawMessage }
	if err := d.auditor.get(d.ctx, path+"/certification", &cert); err != nil {
		return err
	}
	var st statement.Statement
	if err := d.auditor.get(d.ctx, path+"/trustee-statement", &st); err != nil {
		return err
	}
	r, err := d.auditor.gw.do(d.ctx, request{method: http.MethodGet, path: path + "/trustee-statement?format=csv", user: d.auditor.user})
	if err != nil {
		return err
	}
	var replay struct{ Agree bool }
	if err := d.auditor.get(d.ctx, path+"/replay", &replay); err != nil {
		return err
	}
	bad := append(deal.CheckResult(p, cert.Result), deal.CheckStatement(p, st)...)
	if !replay.Agree {
		bad = append(bad, "the investor bank's replay does not agree")
	}
	if len(bad) > 0 {
		return fmt.Errorf("indenture period %d: %s", p, strings.Join(bad, "; "))
	}
	d.out.say("period %d paid %s: every hand-worked figure certified to the cent, replayed at %s; trustee statement (CSV):", p, st.PaymentDate, d.auditor.gw.MSP)
	d.out.lines(strings.Split(strings.TrimSpace(string(r.body)), "\n"))
	return nil
}

// repoRoot is the repository the demo runs in: the folder above the
// working directory that holds the golden indenture deal.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, indenture.GoldenDir)); err == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no %s above %s: run the demo from the repository", indenture.GoldenDir, wd)
		}
	}
}
