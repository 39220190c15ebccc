package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tranchenet/tranchenet/chaincode/core/cardtrust"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/test-network/autodeal"
)

// The credit-card master trust of -asset-class cards: a revolving pool
// has no loan tape, so the servicer reports the trust's pool-level figures
// each month (POST /v1/card-trusts/{trust}/reports); the chaincode checks
// and allocates the month among the series and the seller, and the series
// deal's report is made from its share (POST /v1/deals/{deal}/card-reports).
// The trust and its six months are core/cardtrust's hand-worked testdata:
// two series, series 2026-2 backing the demo's deal, whose early
// amortization month 4 trips (three-month average excess spread below
// zero), so class A is paid principal in months 5 and 6.

// cardSeries is the series the demo's deal is issued from.
const cardSeries = "2026-2"

// cardTrust is the trust's terms and its months' reports, as the servicer
// keeps them.
type cardTrust struct {
	trust   cardtrust.Trust
	reports []cardtrust.Report
}

// loadCardTrust reads the hand-worked trust and reports and names the
// trust for this run.
func loadCardTrust(root string, run int) (*cardTrust, error) {
	dir := filepath.Join(root, "chaincode", "core", "cardtrust", "testdata")
	b, err := os.ReadFile(filepath.Join(dir, "trust_2026.json"))
	if err != nil {
		return nil, err
	}
	tr, err := cardtrust.ParseTrust(b)
	if err != nil {
		return nil, err
	}
	csv, err := os.ReadFile(filepath.Join(dir, "reports_2026.csv"))
	if err != nil {
		return nil, err
	}
	reports, bad, err := cardtrust.ReadAll(bytes.NewReader(csv))
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("reports_2026.csv: %v", bad[0])
	}
	tr.ID = fmt.Sprintf("%s-%d", tr.ID, run)
	for i := range reports {
		reports[i].TrustID = tr.ID
	}
	return &cardTrust{trust: tr, reports: reports}, nil
}

// cardSteps is the card trust's life after the shared setup.
func (d *demo) cardSteps() []step {
	s := []step{{"Card master trust: two series, a cards pool sealed as series " + cardSeries + ", its deal placed with investors at two banks", (*demo).cardStructure}}
	for p := 1; p <= 6; p++ {
		s = append(s, step{fmt.Sprintf("Month %d: the trust's pool-level report allocated on chain; the series deal certified, replayed, claimed", p),
			func(d *demo) error { return d.cardMonth(p) }})
	}
	return s
}

// cardStructure creates the trust, seals a cards pool as the series,
// creates the series deal and its waterfall, places it and funds the
// servicer's remittances.
func (d *demo) cardStructure() error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if d.cards, err = loadCardTrust(root, d.runNumber); err != nil {
		return err
	}
	tr := d.cards.trust
	if _, err := d.arranger.post(d.ctx, "/v1/card-trusts", map[string]any{"trust": tr, "servicer": d.servicerBank.MSP}, nil); err != nil {
		return err
	}
	var stored struct {
		Trust    cardtrust.Trust `json:"trust"`
		Servicer string          `json:"servicer"`
	}
	if err := d.auditor.get(d.ctx, "/v1/card-trusts/"+tr.ID, &stored); err != nil {
		return err
	}
	if stored.Servicer != d.servicerBank.MSP || len(stored.Trust.Series) != len(tr.Series) || stored.Trust.InitialReceivables != tr.InitialReceivables {
		return fmt.Errorf("trust %s as the investor bank reads it: servicer %s, %d series, receivables %s", tr.ID, stored.Servicer, len(stored.Trust.Series), stored.Trust.InitialReceivables)
	}
	if _, err := d.arranger.post(d.ctx, "/v1/pools", map[string]string{"id": d.poolID, "name": "Card series " + cardSeries + " collateral",
		"originator": d.servicerBank.MSP, "servicer": d.servicerBank.MSP, "cutoffDate": "2025-12-31", "assetClass": classCards}, nil); err != nil {
		return err
	}
	if _, err := d.arranger.post(d.ctx, "/v1/pools/"+d.poolID+"/card-series", map[string]string{"trust": tr.ID, "series": cardSeries}, nil); err != nil {
		return err
	}
	// The notes and the transferor certificate are together the series'
	// invested amount, 200,000,000.00.
	d.faces = map[string]money.Amount{"A": money.FromMajor(180_000_000), "B": money.FromMajor(19_999_000), "T": money.FromMajor(1000)}
	coupons := map[string]string{"A": "0.0575", "B": "0.0825"}
	tranches, err := d.createClassDeal("Card Series "+cardSeries, []string{"A", "B", "T"}, coupons, "2029-06-15")
	if err != nil {
		return err
	}
	terms := autodeal.CardSeriesWaterfall{Deal: d.dealID, ClosingDate: "2026-01-15", InvestedAmount: money.FromMajor(200_000_000),
		Faces: d.faces, Coupons: coupons, ServicingRate: "0.02", Residual: "T", Tranches: tranches, ServicingPayee: d.svcr.key}.Terms()
	if err := d.setWaterfallAndPlace(terms, []string{"A", "B", "T"}, tranches); err != nil {
		return err
	}
	if err := d.mintAndPay(cashPayment{d.svcr, money.FromMajor(150_000_000)}); err != nil {
		return err
	}
	d.out.say("trust %s: %d series, receivables %s at cut-off; %s sealed as series %s; %s: A %s, B %s, transferor certificate %s; 60 %% with alice, 40 %% with bob",
		tr.ID, len(tr.Series), usd(tr.InitialReceivables), d.poolID, cardSeries, d.dealID, usd(d.faces["A"]), usd(d.faces["B"]), usd(d.faces["T"]))
	return nil
}

// cardMonth submits the trust's month, checks the investor bank replays
// the allocation, makes the series deal's report from it, remits the
// series' collections, certifies, checks the published period and has the
// holders claim.
func (d *demo) cardMonth(period int) error {
	r := d.cards.reports[period-1]
	var alloc cardtrust.MonthResult
	if _, err := d.svcr.post(d.ctx, "/v1/card-trusts/"+d.cards.trust.ID+"/reports", r, &alloc); err != nil {
		return err
	}
	var month struct {
		Allocated cardtrust.Allocated `json:"allocated"`
	}
	if err := d.auditor.get(d.ctx, fmt.Sprintf("/v1/card-trusts/%s/months/%d", d.cards.trust.ID, period), &month); err != nil {
		return err
	}
	if _, err := cardtrust.Replay(month.Allocated); err != nil {
		return fmt.Errorf("month %d: the investor bank's replay of the trust's allocation: %w", period, err)
	}
	var share *cardtrust.SeriesAllocation
	for i := range month.Allocated.Result.Series {
		if month.Allocated.Result.Series[i].Series == cardSeries {
			share = &month.Allocated.Result.Series[i]
		}
	}
	if share == nil {
		return fmt.Errorf("month %d: the allocation has no series %s", period, cardSeries)
	}
	if _, err := d.svcr.post(d.ctx, "/v1/deals/"+d.dealID+"/card-reports", nil, nil); err != nil {
		return err
	}
	_, proof, claimed, err := d.remitCertifyClaim(period, share.FinanceCharges+share.Recoveries+share.PrincipalPaid, []string{"A", "B", "T"})
	if err != nil {
		return err
	}
	events := "none"
	if len(alloc.PayOutEvents) > 0 {
		events = fmt.Sprint(alloc.PayOutEvents)
	}
	d.out.say("yield %s, payment rate %s · series %s: finance charges %s, principal to noteholders %s · pay-out events: %s · replayed at %s: identical · %s · holders claimed %s",
		alloc.PortfolioYield, alloc.PaymentRate, cardSeries, usd(share.FinanceCharges), usd(share.PrincipalPaid), events, d.auditor.gw.MSP, proof.text(), usd(claimed))
	return nil
}
