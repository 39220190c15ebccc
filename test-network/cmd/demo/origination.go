package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/rules"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// committed is the answer of a write that returns nothing else.
type committed struct {
	TxID  string `json:"txId"`
	Block uint64 `json:"block"`
}

// originatePool: the arranger opens the SPV's pool for the servicer
// bank, whose servicer uploads the cut-off loan tape (EX-102 XML,
// checked row by row by its gateway, then submitted in chunks) and seals
// it. The investor bank then proves one loan against the public root
// without being able to read the loan tape itself.
func (d *demo) originatePool() error {
	n := periods
	if d.liquidation {
		n++ // the month the sale's proceeds are paid out
	}
	files, err := simulatePool(n)
	if err != nil {
		return err
	}
	if d.liquidation {
		files.final, files.reports = files.reports[periods], files.reports[:periods]
	}
	d.files, d.poolBalance = files, files.tapeBalance
	d.filesDir = filepath.Join(d.runDir, "demo", d.dealID)
	if err := files.save(d.filesDir); err != nil {
		return err
	}
	cutoff := cutoffMonth.LastDay().String()
	var created committed
	if _, err := d.arranger.post(d.ctx, "/v1/pools", map[string]string{"id": d.poolID, "name": "Tranchenet Auto Receivables pool " + d.poolID,
		"originator": d.servicerBank.MSP, "servicer": d.servicerBank.MSP, "cutoffDate": cutoff}, &created); err != nil {
		return err
	}
	d.out.say("pool %s opened by %s for originator and servicer %s, cut-off %s · tx %s", d.poolID, d.arranger, d.servicerBank.MSP, cutoff, shortTx(created.TxID))

	var tape struct {
		Loans        int          `json:"loans"`
		Chunks       int          `json:"chunks"`
		Balance      money.Amount `json:"balance"`
		MerkleRoot   string       `json:"merkleRoot"`
		Transactions []string     `json:"transactions"`
		Aggregates   struct {
			WAC  decimal.Decimal `json:"weightedAverageCoupon"`
			WART decimal.Decimal `json:"weightedAverageRemainingTerm"`
			WAOT decimal.Decimal `json:"weightedAverageOriginalTerm"`
			FICO decimal.Decimal `json:"weightedAverageCreditScore"`
		} `json:"aggregates"`
	}
	path := fmt.Sprintf("/v1/pools/%s/loans?chunkSize=250&loanCount=%d&balance=%s", d.poolID, files.tapeLoans, files.tapeBalance)
	if err := d.svcr.gw.upload(d.ctx, http.MethodPut, path, d.svcr.user, "application/xml", files.tape, &tape); err != nil {
		return err
	}
	if tape.Loans != files.tapeLoans || tape.Balance != files.tapeBalance {
		return fmt.Errorf("the gateway took %d loans of %s, the file has %d of %s", tape.Loans, tape.Balance, files.tapeLoans, files.tapeBalance)
	}
	d.out.say("tape %s: %s loans, balance %s, WAC %s, WA remaining term %s of %s months, WA FICO %s",
		relative(filepath.Join(d.filesDir, "tape.xml")), units(int64(tape.Loans)), usd(tape.Balance), pct(tape.Aggregates.WAC, 2),
		tape.Aggregates.WART.StringFixed(1), tape.Aggregates.WAOT.StringFixed(1), tape.Aggregates.FICO.StringFixed(0))
	d.out.say("uploaded by %s as EX-102 XML, checked row by row, submitted in %d chunks · %s", d.svcr, tape.Chunks, txList(tape.Transactions))

	var sealed committed
	if _, err := d.svcr.post(d.ctx, "/v1/pools/"+d.poolID+"/seal", nil, &sealed); err != nil {
		return err
	}
	var view struct {
		Pool struct {
			Status     string       `json:"status"`
			LoanCount  int          `json:"loanCount"`
			Balance    money.Amount `json:"balance"`
			MerkleRoot string       `json:"merkleRoot"`
		} `json:"pool"`
	}
	if err := d.auditor.get(d.ctx, "/v1/pools/"+d.poolID, &view); err != nil {
		return err
	}
	if view.Pool.Status != "sealed" || view.Pool.MerkleRoot != tape.MerkleRoot {
		return fmt.Errorf("pool %s is %s with root %s; the servicer's gateway computed %s", d.poolID, view.Pool.Status, view.Pool.MerkleRoot, tape.MerkleRoot)
	}
	d.out.say("sealed · tx %s · Merkle root %s… published, equal to the root the servicer's gateway computed", shortTx(sealed.TxID), view.Pool.MerkleRoot[:16])

	// A loan disclosed to the investor bank, proved against the public root.
	var proof struct {
		Loan  json.RawMessage `json:"loan"`
		Proof json.RawMessage `json:"proof"`
	}
	if err := d.svcr.get(d.ctx, "/v1/pools/"+d.poolID+"/loans/"+files.sampleLoan, &proof); err != nil {
		return err
	}
	var verdict struct {
		Valid  bool   `json:"valid"`
		Reason string `json:"reason"`
	}
	if _, err := d.auditor.post(d.ctx, "/v1/pools/"+d.poolID+"/proofs/verify", map[string]json.RawMessage{"loan": proof.Loan, "proof": proof.Proof}, &verdict); err != nil {
		return err
	}
	if !verdict.Valid {
		return fmt.Errorf("loan %s does not verify against pool %s's root: %s", files.sampleLoan, d.poolID, verdict.Reason)
	}
	denied, err := d.auditor.gw.refused(d.ctx, request{method: http.MethodGet, path: "/v1/pools/" + d.poolID + "/loans/" + files.sampleLoan, user: d.auditor.user},
		http.StatusForbidden, "FORBIDDEN")
	if err != nil {
		return err
	}
	d.out.say("loan %s disclosed by the servicer verifies at %s against the root ✓; %s reading it itself: %d %s",
		files.sampleLoan, d.investorBank.MSP, d.auditor, denied.Status, denied.Code)
	return nil
}

// dealInput is Deal:Create's body.
type dealInput struct {
	ID                        string          `json:"id"`
	Name                      string          `json:"name"`
	Pool                      string          `json:"pool"`
	RequiredCollateralization decimal.Decimal `json:"requiredCollateralization"`
	Tranches                  []trancheInput  `json:"tranches"`
}

type trancheInput struct {
	ID             string             `json:"id"`
	Class          string             `json:"class"`
	Seniority      int                `json:"seniority"`
	Kind           string             `json:"kind"`
	OriginalFace   money.Amount       `json:"originalFace"`
	UnitFace       money.Amount       `json:"unitFace"`
	Coupon         *trancheCoupon     `json:"coupon,omitempty"`
	LegalFinalDate daycount.Date      `json:"legalFinalDate"`
	Rules          rules.TrancheRules `json:"rules"`
}

// structureDeal: the arranger creates the deal on the sealed pool with
// its tranches and their transfer rules, records the prospectus's hash
// and sets the waterfall (which opens the deal's cash accounts).
func (d *demo) structureDeal() error {
	d.faces = map[string]money.Amount{}
	in := dealInput{ID: d.dealID, Name: "Tranchenet Auto Receivables Trust " + d.dealID, Pool: d.poolID,
		RequiredCollateralization: decimal.RequireFromString(requiredCollateralization)}
	t := &table{}
	t.add("class", "tranche", "face", "coupon", "legal final", "placed with")
	for i, c := range classes {
		face := faceOf(c, d.poolBalance)
		d.faces[c.class] = face
		kind := "note"
		if c.residual {
			kind = "certificate"
		}
		in.Tranches = append(in.Tranches, trancheInput{ID: trancheID(d.dealID, c.class), Class: c.class, Seniority: i + 1, Kind: kind,
			OriginalFace: face, UnitFace: money.FromMajor(1), Coupon: c.coupon(), LegalFinalDate: c.legalFinal,
			Rules: trancheRules(c, d.custodians)})
		var buyers []string
		for _, p := range c.placements {
			buyers = append(buyers, fmt.Sprintf("%s %d%%", p.holder, p.permille/10))
		}
		t.add(c.class, trancheID(d.dealID, c.class), usd(face), c.couponText(), c.legalFinal.String(), strings.Join(buyers, ", "))
	}
	var created committed
	if _, err := d.arranger.post(d.ctx, "/v1/deals", in, &created); err != nil {
		return err
	}
	d.out.say("deal %s created by %s · tx %s · mint gate and proof of reserve: issued face ≤ pool × %s", d.dealID, d.arranger, shortTx(created.TxID), requiredCollateralization)
	d.out.lines(t.lines("             "))
	d.out.say("transfer rules: qib only · US, %s blocked · accreditation and KYC unexpired · $1,000 denominations · consortium custodians %s; certificate locked up to 2031-11-20",
		blockedJurisdiction, strings.Join(d.custodians, " "))

	doc := prospectus(d, in)
	if err := os.WriteFile(filepath.Join(d.filesDir, "prospectus.txt"), doc, 0o644); err != nil {
		return err
	}
	sum := sha256.Sum256(doc)
	var recorded committed
	if _, err := d.arranger.post(d.ctx, "/v1/deals/"+d.dealID+"/documents", map[string]string{"name": "Prospectus",
		"uri": "file://" + filepath.Join(d.filesDir, "prospectus.txt"), "sha256": hex.EncodeToString(sum[:])}, &recorded); err != nil {
		return err
	}
	d.out.say("prospectus recorded by hash %s… · tx %s", hex.EncodeToString(sum[:8]), shortTx(recorded.TxID))

	def := definition(d.dealID, d.poolBalance, d.cleanUpFactor)
	rawDef, err := json.Marshal(def)
	if err != nil {
		return err
	}
	var classMap []map[string]string
	for _, c := range classes {
		classMap = append(classMap, map[string]string{"class": c.class, "tranche": trancheID(d.dealID, c.class)})
	}
	var set committed
	if _, err := d.arranger.put(d.ctx, "/v1/deals/"+d.dealID+"/waterfall", map[string]any{
		"definition": json.RawMessage(rawDef), "classes": classMap, "paymentDay": paymentDay,
		"feePayees": []map[string]string{{"fee": feeServicing, "payee": d.svcr.key}, {"fee": feeTrustee, "payee": d.trustee.key}},
	}, &set); err != nil {
		return err
	}
	callTerm := "no clean-up call"
	if d.cleanUpFactor.IsPositive() {
		callTerm = "clean-up call at pool factor ≤ " + pct(d.cleanUpFactor, 0)
	}
	d.out.say("waterfall v1 set · tx %s · fees: servicing %s a year, trustee %s a month · reserve %s (%s of the pool) · OC target %s of the pool (floor %s)",
		shortTx(set.TxID), pct(servicingFeeRate, 2), usd(trusteeFee), usd(reserveDeposit(d.poolBalance)), pct(reserveFraction, 2), pct(ocTarget, 0), pct(ocFloor, 0))
	d.out.say("triggers: 60+ delinquency > %s → turbo (curable) · cumulative net loss > %s → turbo · %s · paid on the %dth",
		pct(delinquencyLimit, 2), pct(netLossLimit, 2), callTerm, paymentDay)
	return nil
}

// prospectus is a stand-in for the offering document: the deal's terms
// as text, whose hash goes on the ledger.
func prospectus(d *demo, in dealInput) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nIssuer: the SPV of pool %s (cut-off balance %s)\nArranger and trustee: %s; servicer: %s\n\n",
		in.Name, in.Pool, usd(d.poolBalance), d.trusteeBank.MSP, d.servicerBank.MSP)
	for _, t := range in.Tranches {
		fmt.Fprintf(&b, "Class %s (%s): %s %s, legal final %s\n", t.Class, t.ID, t.Kind, usd(t.OriginalFace), t.LegalFinalDate)
	}
	return []byte(b.String())
}
