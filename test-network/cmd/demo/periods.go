package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
)

// A period of the deal's life, as the banks live it:
//
//  1. the servicer bank deposits the month's collections with the
//     settlement agent, which pays them to the servicer in the cash token;
//  2. the servicer uploads its monthly report (CSV, one row per loan,
//     with the servicer's control totals); its gateway checks every row,
//     then submits the report and its rows in chunks;
//  3. the servicer remits the collections into the deal's collection
//     account, and the trustee posts the SOFR fixing;
//  4. the trustee certifies: the waterfall runs in the transaction,
//     moves the cash into each class's distribution account, raises each
//     class's per-unit index and publishes the proof of reserve;
//  5. any member replays the period from the public records; holders
//     claim what their units accrued (bob monthly, alice quarterly, the
//     trustee as paying agent for anna twice a year), and the fee payees
//     their fees each quarter.
//
// The last period (scheduledPeriod) goes otherwise from step 4: the
// trustee's scheduler certifies on the determination date and pays every
// holder and the fees on the payment date by itself (scheduled.go).

func periodTitle(p int) string {
	m := cutoffMonth.AddMonths(p)
	pay := m.AddMonths(1)
	title := fmt.Sprintf("Period %d · %s collections · paid %s-%02d", p, m, pay, paymentDay)
	if p == scheduledPeriod {
		title += " · certified and paid by the trustee's scheduler"
	}
	return title
}

// reportUpload is the report upload's answer.
type reportUpload struct {
	Period       int      `json:"period"`
	Rows         int      `json:"rows"`
	Chunks       int      `json:"chunks"`
	Status       string   `json:"status"`
	LoansChecked bool     `json:"loansChecked"`
	MerkleRoot   string   `json:"merkleRoot"`
	Transactions []string `json:"transactions"`
}

// certification is a certified period as the ledger publishes it.
type certification struct {
	Result json.RawMessage `json:"result"`
}

// reserveProof is a period's proof of reserve, as the gateway answers it
// (the deal's reserve test, as the chaincode computes it, embedded).
type reserveProof struct {
	distribution.Reserve
}

func (d *demo) period(p int) error {
	scheduled := p == scheduledPeriod // certified and paid by the trustee's scheduler alone (scheduled.go)
	if scheduled {
		if err := d.registerWithScheduler(p); err != nil {
			return err
		}
	}
	r := d.files.reports[p-1]
	proceeds := d.cleanUpProceeds(r)
	sub, err := d.submitReport(p, r, proceeds)
	if err != nil {
		return err
	}
	fixTx, err := d.trustee.put(d.ctx, fmt.Sprintf("/v1/deals/%s/periods/%d/fixings/%s", d.dealID, p, sofr), map[string]string{"rate": fixingFor(p).String()}, nil)
	if err != nil {
		return err
	}
	var cert committed
	certifiedBy := fmt.Sprintf("certified by %s", d.trustee)
	if scheduled {
		if cert.TxID, err = d.certifyBySchedule(p); err != nil {
			return err
		}
		certifiedBy = "certified by the trustee's scheduler on its determination date, no call by hand"
	} else if _, err := d.trustee.post(d.ctx, fmt.Sprintf("/v1/deals/%s/periods/%d/certification", d.dealID, p), nil, &cert); err != nil {
		return err
	}
	res, proof, err := d.published(p)
	if err != nil {
		return err
	}

	a := r.agg
	checked := "checked row by row"
	if sub.upload.LoansChecked {
		checked = "every row checked against the loan book"
	}
	d.out.say("report-%02d.csv: %s rows, %s, in %d chunk(s) · txs %s · collections paid to the servicer tx %s, remitted tx %s",
		p, units(int64(sub.upload.Rows)), checked, sub.upload.Chunks, strings.Join(shortAll(sub.upload.Transactions), " "), shortTx(sub.paidTx), shortTx(sub.remitTx))
	d.out.say("collections %s: interest %s · scheduled principal %s · prepayments %s · recoveries %s%s",
		usd(sub.collections), usd(a.InterestCollected), usd(a.ScheduledPrincipal), usd(a.Prepayments), usd(a.Recoveries+a.RepossessionProceeds), cleanUpText(proceeds))
	d.out.say("pool %s (factor %s) · defaults %s · 60+ days delinquent %s (%s) · %s %s tx %s",
		usd(a.EndingBalance), factor(ratio(a.EndingBalance, d.poolBalance)), usd(a.ChargedOffPrincipal), usd(r.delinquent60()),
		pct(ratio(r.delinquent60(), a.EndingBalance), 2), sofr, pct(fixingFor(p), 2), shortTx(fixTx))
	d.out.say("%s · tx %s%s · available funds %s · replayed from public records by %s and by the chaincode: identical",
		certifiedBy, shortTx(cert.TxID), blockText(cert.Block), usd(res.AvailableFunds.Total), d.auditor.gw.MSP)
	d.out.lines(classTable(res).lines("             "))
	d.out.say("%s", feesAndReserves(res))
	d.out.say("triggers: %s", triggerText(res.Triggers))
	d.out.say("%s", proof.text())
	d.record(res)

	claims := d.claims
	if scheduled {
		claims = d.payBySchedule
	}
	text, err := claims(p)
	if err != nil {
		return err
	}
	d.out.say("claims: %s", text)
	return nil
}

// blockText is " block N", or nothing when the block is not known (a
// transaction the scheduler submitted).
func blockText(block uint64) string {
	if block == 0 {
		return ""
	}
	return fmt.Sprintf(" block %d", block)
}

// submission is what the servicer did for a period.
type submission struct {
	upload          reportUpload
	collections     money.Amount
	paidTx, remitTx string
}

// submitReport: the settlement agent pays the servicer the month's
// collections in the cash token; the servicer uploads its report with
// its control totals (and the clean-up call, when it exercises it; query
// adds other report options, e.g. a pool sale's) and remits the
// collections into the deal's collection account.
func (d *demo) submitReport(p int, r monthlyReport, proceeds money.Amount, query ...string) (submission, error) {
	sub := submission{collections: r.collections(proceeds)}
	var err error
	if sub.paidTx, err = d.settlementAgent.post(d.ctx, "/v1/cash/payments", map[string]string{"to": d.svcr.key, "amount": sub.collections.String()}, nil); err != nil {
		return sub, err
	}
	a := r.agg
	path := fmt.Sprintf("/v1/deals/%s/reports?loanCount=%d&endingBalance=%s&totalCollected=%s&principalCollected=%s&chargedOffPrincipal=%s&recoveries=%s",
		d.dealID, a.LoanCount, a.EndingBalance, a.TotalCollected, a.PrincipalCollected(), a.ChargedOffPrincipal, a.Recoveries)
	if proceeds > 0 {
		path += "&cleanUpCall=true&cleanUpProceeds=" + proceeds.String()
	}
	for _, q := range query {
		path += "&" + q
	}
	if err := d.svcr.gw.upload(d.ctx, http.MethodPost, path, d.svcr.user, "text/csv", r.csv, &sub.upload); err != nil {
		return sub, err
	}
	if sub.upload.Period != p || sub.upload.Status != "complete" {
		return sub, fmt.Errorf("the report went in as period %d, status %s; want period %d, complete", sub.upload.Period, sub.upload.Status, p)
	}
	sub.remitTx, err = d.svcr.post(d.ctx, "/v1/deals/"+d.dealID+"/collections", map[string]string{"amount": sub.collections.String()}, nil)
	return sub, err
}

// published reads a certified period as any member can, at the investor
// bank: the waterfall's result, the proof of reserve, and the replay of
// the period from the public records (by the gateway and by the
// chaincode), which must agree with what was certified.
func (d *demo) published(p int) (waterfall.Result, reserveProof, error) {
	base := fmt.Sprintf("/v1/deals/%s/periods/%d", d.dealID, p)
	var res waterfall.Result
	var proof reserveProof
	var cert certification
	if err := d.auditor.get(d.ctx, base+"/certification", &cert); err != nil {
		return res, proof, err
	}
	if err := json.Unmarshal(cert.Result, &res); err != nil {
		return res, proof, fmt.Errorf("period %d: the certified result: %w", p, err)
	}
	if err := d.auditor.get(d.ctx, base+"/proof-of-reserve", &proof); err != nil {
		return res, proof, err
	}
	if !proof.Covered {
		return res, proof, fmt.Errorf("period %d: the proof of reserve fails: notes %s above capacity %s", p, proof.NotesOutstanding, proof.Capacity)
	}
	var replay struct {
		Local, Chaincode distribution.Verdict
		Agree            bool `json:"agree"`
	}
	if err := d.auditor.get(d.ctx, base+"/replay", &replay); err != nil {
		return res, proof, err
	}
	if !replay.Agree {
		return res, proof, fmt.Errorf("period %d does not replay: local %+v, chaincode %+v", p, replay.Local, replay.Chaincode)
	}
	return res, proof, nil
}

// text states the proof of reserve.
func (r reserveProof) text() string {
	if r.NotesOutstanding == 0 {
		return "proof of reserve: no notes outstanding, covered " + tick(r.Covered)
	}
	return fmt.Sprintf("proof of reserve: notes %s ≤ pool %s × %s = %s %s (coverage %s)",
		usd(r.NotesOutstanding), usd(r.PoolBalance), r.RequiredCollateralization, usd(r.Capacity), tick(r.Covered), factor(r.Coverage))
}

func shortAll(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = shortTx(id)
	}
	return out
}

func cleanUpText(proceeds money.Amount) string {
	if proceeds == 0 {
		return ""
	}
	return " · clean-up call proceeds " + usd(proceeds)
}

func tick(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

// classTable is the period's payments and balances by class.
func classTable(res waterfall.Result) *table {
	t := &table{}
	t.add("class", "coupon", "interest paid", "principal paid", "residual", "balance", "factor")
	for _, c := range res.Classes {
		spec, _ := classSpecOf(c.Class)
		switch {
		case spec.residual:
			t.add(c.Class, "", "", "", usd(res.ResidualPaid), "", "")
		case c.BeginningBalance == 0:
			t.add(c.Class, "repaid", "", "", "", usd(c.EndingBalance), factor(c.Factor))
		default:
			t.add(c.Class, pct(c.InterestRate, 3), usd(c.InterestPaid), usd(c.PrincipalPaid), "", usd(c.EndingBalance), factor(c.Factor))
		}
	}
	return t
}

func feesAndReserves(res waterfall.Result) string {
	var parts []string
	for _, f := range res.Fees {
		parts = append(parts, fmt.Sprintf("%s fee %s", f.Fee, usd(f.Paid)))
	}
	for _, r := range res.Reserves {
		parts = append(parts, fmt.Sprintf("reserve %s (target %s)", usd(r.EndingBalance), usd(r.Target)))
	}
	if !res.CleanUpCall { // the pool is sold: no collateral is left to measure
		parts = append(parts, fmt.Sprintf("overcollateralization %s (target %s)", usd(res.Pool.Overcollateralization), usd(res.Pool.OCTarget)))
	}
	return strings.Join(parts, " · ")
}

// triggerText states each trigger's value against its threshold.
func triggerText(ts []waterfall.TriggerResult) string {
	var parts []string
	for _, tr := range ts {
		cmp := "≤"
		if tr.Test == waterfall.Overcollateralization || tr.Test == waterfall.InterestCoverage {
			cmp = "≥"
		}
		state := "ok"
		switch {
		case tr.Breached && tr.Failed:
			cmp = map[string]string{"≤": ">", "≥": "<"}[cmp]
			state = "BREACHED → " + string(tr.Effect)
		case tr.Breached:
			state = "still BREACHED (not curable) → " + string(tr.Effect)
		case tr.Cured:
			state = "cured"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s %s %s", tr.Trigger, pct(tr.Value, 2), cmp, pct(tr.Threshold, 2), state))
	}
	return strings.Join(parts, " · ")
}

// record adds a certified period to the deal's running totals.
func (d *demo) record(res waterfall.Result) {
	if d.totals == nil {
		d.totals = map[string]*classTotals{}
		d.feesPaid = map[string]money.Amount{}
	}
	for _, c := range res.Classes {
		t := d.totals[c.Class]
		if t == nil {
			t = &classTotals{}
			d.totals[c.Class] = t
		}
		t.interest += c.InterestPaid
		t.principal += c.PrincipalPaid
		t.balance, t.factor = c.EndingBalance, c.Factor
	}
	if t := d.totals[classes[len(classes)-1].class]; t != nil {
		t.residual += res.ResidualPaid
	}
	for _, f := range res.Fees {
		d.feesPaid[f.Fee] += f.Paid
	}
	for _, tr := range res.Triggers {
		if tr.Breached && !slices.Contains(d.breaches, res.Period) {
			d.breaches = append(d.breaches, res.Period)
		}
	}
	d.last, d.cleanedUp = res, res.CleanUpCall
}
