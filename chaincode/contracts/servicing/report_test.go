package servicing_test

import (
	"strings"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/internal/contracttest"
	"github.com/tranchenet/tranchenet/chaincode/internal/stubtest"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

func TestSubmitReportRefusals(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	m := d.nextMonth(t)
	header := func(change func(h *schema.ReportHeader)) string {
		h := schema.ReportHeader{Aggregates: m.agg, Chunks: len(m.chunks)}
		change(&h)
		return string(contracttest.MustCanon(t, h))
	}
	tests := []struct {
		name   string
		caller *stubtest.Identity
		deal   string
		header string
		code   errs.Code
		want   string
	}{
		{"trustee is not the servicer", w.Trustee, d.deal, header(func(*schema.ReportHeader) {}), errs.Forbidden, "servicer"},
		{"investor", d.alice, d.deal, header(func(*schema.ReportHeader) {}), errs.Forbidden, "servicer"},
		{"unknown deal", w.Servicer, "NO-SUCH-DEAL", header(func(*schema.ReportHeader) {}), errs.NotFound, "deal NO-SUCH-DEAL not found"},
		{"malformed header", w.Servicer, d.deal, `{"aggregates":`, errs.BadInput, "header"},
		{"unknown field", w.Servicer, d.deal, `{"chunkz":3}`, errs.BadInput, "chunkz"},
		{"period 2 before period 1", w.Servicer, d.deal, header(func(h *schema.ReportHeader) { h.Aggregates.Period.Number = 2 }),
			errs.BadInput, "aggregates.period: want period 1 from 2026-01-01 to 2026-01-31"},
		{"beginning is not the pool balance", w.Servicer, d.deal, header(func(h *schema.ReportHeader) {
			h.Aggregates.BeginningBalance++
			h.Aggregates.EndingBalance++
		}), errs.BadInput, "aggregates.beginningBalance"},
		{"pool does not roll forward", w.Servicer, d.deal, header(func(h *schema.ReportHeader) { h.Aggregates.EndingBalance-- }),
			errs.BadInput, "rule balance-rollforward"},
		{"no chunks", w.Servicer, d.deal, header(func(h *schema.ReportHeader) { h.Chunks = 0 }), errs.BadInput, "header.chunks"},
		{"more chunks than rows", w.Servicer, d.deal, header(func(h *schema.ReportHeader) { h.Chunks = 61 }), errs.BadInput, "header.chunks"},
		{"proceeds without a clean-up call", w.Servicer, d.deal, header(func(h *schema.ReportHeader) { h.CleanUpProceeds = 100 }),
			errs.BadInput, "header.cleanUpProceeds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer w.Use(t)()
			msg := w.Refused(tt.code, tt.caller, "Servicing:SubmitReport", tt.deal, tt.header).Message
			if !strings.Contains(msg, tt.want) {
				t.Fatalf("%q does not mention %q", msg, tt.want)
			}
		})
	}
	w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, d.header(t, m))
	w.Refused(errs.AlreadyExists, w.Servicer, "Servicing:SubmitReport", d.deal, d.header(t, m))
}

func TestSubmitReportBeforeTheWaterfall(t *testing.T) {
	w := newWorld(t)
	d := newDealWithoutWaterfall(t, w)
	m := d.nextMonth(t)
	msg := w.Refused(errs.WrongState, w.Servicer, "Servicing:SubmitReport", d.deal, d.header(t, m)).Message
	if !strings.Contains(msg, "SetWaterfall") {
		t.Fatal(msg)
	}
	// The deal's accounts do not exist yet either: a trustee-endorsed
	// remittance could not create one (a new public key needs a majority).
	w.Refused(errs.WrongState, w.Servicer, "Servicing:RemitCollections", d.deal, "1.00")
	w.Must(w.Arranger, "Servicing:SetWaterfall", d.deal, d.terms(t, 1))
	for _, name := range []string{schema.AccountCollection, schema.ReserveAccount("reserve"), schema.FeeAccount("servicing"), schema.FeeAccount("trustee")} {
		if w.ValidationParameter(contracttest.CompositeKey(schema.TypeDealAccount, d.deal, name)) == nil {
			t.Fatalf("SetWaterfall did not open account %s with the trustee's policy", name)
		}
	}
}

// TestAddReportRowsRefusesBadRows: each bad row is refused naming its
// file line, its loan, and the rule, and nothing is written.
func TestAddReportRowsRefusesBadRows(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *dealFixture, m month, c *loantape.ReportChunk)
		want   []string
	}{
		{"a row does not roll forward", func(d *dealFixture, m month, c *loantape.ReportChunk) {
			c.Rows[3].ReportingPeriodActualEndBalanceAmount -= 7
		}, []string{"line 30 (loan ", "reportingPeriodActualEndBalanceAmount", "(rule balance-rollforward)"}},
		{"a loan that is not in the pool", func(d *dealFixture, m month, c *loantape.ReportChunk) {
			c.Rows[0].AssetNumber = "999999999"
		}, []string{"line 27 (loan 999999999)", "not in the pool", "(rule unknown-asset)"}},
		{"a beginning balance that is not the loan's last ending balance", func(d *dealFixture, m month, c *loantape.ReportChunk) {
			c.Rows[5].ReportingPeriodBeginningLoanBalanceAmount += 100
			c.Rows[5].ReportingPeriodActualEndBalanceAmount += 100
		}, []string{"line 32 (loan ", "previous ending balance", "(rule balance-continuity)"}},
		// Only a tape added in order refuses it here: a pool kept a chunk
		// to a value finds it when the report completes
		// (TestChunkedPoolReportFindsALoanInTwoChunksAtCompletion).
		{"a loan already reported in chunk 0/in order only", func(d *dealFixture, m month, c *loantape.ReportChunk) {
			c.Rows[2] = m.chunks[0].Rows[7]
		}, []string{"line 29 (loan " + "", "already reported in chunk 0", "(rule duplicate-asset)"}},
		{"rows that do not add up to the chunk's declared aggregate", func(d *dealFixture, m month, c *loantape.ReportChunk) {
			c.Aggregates.Recoveries += 5
		}, []string{"chunk 1 declared aggregate refused", "recoveries", "(rule totals)"}},
	}
	// Both tape layouts: a key a loan (added in order) and a value a
	// chunk (chunks of 16, so the report's chunks of 25 rows straddle
	// them and cut-off balances come from several indexes).
	layouts := map[string][]dealOption{"in order": nil, "chunked": {withChunkedTape(16)}}
	for _, tt := range tests {
		for layout, opts := range layouts {
			if strings.HasSuffix(tt.name, "/in order only") && layout != "in order" {
				continue
			}
			t.Run(tt.name+"/"+layout, func(t *testing.T) {
				w := newWorld(t)
				d := newDeal(t, w, 60, 25, opts...)
				m := d.nextMonth(t)
				w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, d.header(t, m))
				w.MustWith(w.Servicer, "Servicing:AddReportRows", []string{d.deal, "1"}, chunkTransient(t, m.chunks[0]))
				c := m.chunks[1]
				c.Rows = append([]loantape.PeriodRow(nil), c.Rows...)
				tt.change(d, m, &c)
				msg := w.RefusedWith(errs.BadInput, w.Servicer, "Servicing:AddReportRows", []string{d.deal, "1"}, chunkTransient(t, c)).Message
				for _, want := range tt.want {
					if !strings.Contains(msg, want) {
						t.Errorf("%q does not mention %q", msg, want)
					}
				}
				// The untouched chunk is still accepted afterwards.
				w.MustWith(w.Servicer, "Servicing:AddReportRows", []string{d.deal, "1"}, chunkTransient(t, m.chunks[1]))
			})
		}
	}
}

func TestAddReportRowsOrderAndCallers(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	m := d.nextMonth(t)
	args := []string{d.deal, "1"}
	w.RefusedWith(errs.NotFound, w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[0]))
	w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, d.header(t, m))
	w.RefusedWith(errs.Forbidden, w.Trustee, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[0]))
	w.RefusedWith(errs.Forbidden, d.alice, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[0]))
	if msg := w.RefusedWith(errs.BadInput, w.Servicer, "Servicing:AddReportRows", args).Message; !strings.Contains(msg, "chunk: required in the transient map") {
		t.Fatal(msg)
	}
	w.RefusedWith(errs.BadInput, w.Servicer, "Servicing:AddReportRows", args,
		stubtest.Transient(map[string][]byte{"chunk": []byte(`{"index":0,"rows":[{"assetNumber":1}]}`)}))
	w.RefusedWith(errs.BadInput, w.Servicer, "Servicing:AddReportRows", []string{d.deal, "0"}, chunkTransient(t, m.chunks[0]))
	if msg := w.RefusedWith(errs.Conflict, w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[1])).Message; !strings.Contains(msg, "expected chunk 0, got chunk 1") {
		t.Fatal(msg)
	}
	r := w.CallWith(w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[0]))
	if !r.OK() || strings.Join(r.EventTypes(), ",") != "ReportRowsAdded" {
		t.Fatalf("chunk 0: %s %v", r.Message, r.EventTypes())
	}
	w.RefusedWith(errs.Conflict, w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[0])) // a retry is not added twice
	w.MustWith(w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[1]))
	r = w.CallWith(w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[2]))
	if !r.OK() || strings.Join(r.EventTypes(), ",") != "ReportRowsAdded,ReportCompleted" {
		t.Fatalf("last chunk: %s %v", r.Message, r.EventTypes())
	}
	// The report record needs the trustee and the servicer, like the rows.
	if vp := string(w.ValidationParameter(contracttest.CompositeKey(schema.TypeReport, d.deal, schema.PeriodKey(1)))); !strings.Contains(vp, w.Net.Trustee) || !strings.Contains(vp, w.Net.Servicer) {
		t.Fatalf("report policy %q", vp)
	}
	rep := contracttest.Decode[schema.Report](t, w.Must(w.Auditor, "Servicing:GetReport", d.deal, "1"))
	if rep.Status != schema.ReportComplete || rep.ChunksReceived != 3 || !rep.FromRows.Equal(m.agg) || len(rep.MerkleRoot) != 64 {
		t.Fatalf("report %+v", rep)
	}
	// The rows went to the loan tape collection, never to public state.
	if n := len(w.Private("loanTape")); n < 60+60 {
		t.Fatalf("loanTape holds %d keys", n)
	}
	for k, v := range w.Public() {
		if strings.Contains(string(v), m.rows[0].AssetNumber) {
			t.Fatalf("public key %q names loan %s", k, m.rows[0].AssetNumber)
		}
	}
	w.RefusedWith(errs.WrongState, w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[2]))
}

// TestTotalsMismatchThenWithdrawAndResubmit: a header whose declared
// totals the rows do not reach is refused at the last chunk, naming the
// field; the servicer withdraws it and submits the period again, and the
// same rows are accepted: their loans are checked against the balances
// before the withdrawn attempt.
func TestTotalsMismatchThenWithdrawAndResubmit(t *testing.T) {
	w := newWorld(t)
	d := newDeal(t, w, 60, 25)
	m := d.nextMonth(t)
	bad := schema.ReportHeader{Aggregates: m.agg, Chunks: len(m.chunks)}
	bad.Aggregates.InterestCollected += 1234
	w.Must(w.Servicer, "Servicing:SubmitReport", d.deal, string(contracttest.MustCanon(t, bad)))
	args := []string{d.deal, "1"}
	w.MustWith(w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[0]))
	w.MustWith(w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[1]))
	msg := w.RefusedWith(errs.BadInput, w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[2])).Message
	if !strings.Contains(msg, "interestCollected") || !strings.Contains(msg, "(rule totals)") || !strings.Contains(msg, "withdraw") {
		t.Fatal(msg)
	}
	w.Refused(errs.WrongState, w.Trustee, "Servicing:Certify", d.deal, "1")
	w.Refused(errs.Forbidden, d.alice, "Servicing:WithdrawReport", d.deal, "1", "wrong totals")
	w.Refused(errs.BadInput, w.Servicer, "Servicing:WithdrawReport", d.deal, "1", "  ")
	w.Must(w.Servicer, "Servicing:WithdrawReport", d.deal, "1", "declared interest was wrong")
	w.Refused(errs.WrongState, w.Trustee, "Servicing:WithdrawReport", d.deal, "1", "again")
	w.RefusedWith(errs.WrongState, w.Servicer, "Servicing:AddReportRows", args, chunkTransient(t, m.chunks[2]))

	d.report(t, m) // attempt 2, the same rows
	rep := contracttest.Decode[schema.Report](t, w.Must(w.Auditor, "Servicing:GetReport", d.deal, "1"))
	if rep.Attempt != 2 || rep.Status != schema.ReportComplete {
		t.Fatalf("attempt %d %s", rep.Attempt, rep.Status)
	}
	w.Must(w.Servicer, "Servicing:RemitCollections", d.deal, m.collections().String())
	w.Must(w.Trustee, "Servicing:Certify", d.deal, "1")
	w.Refused(errs.WrongState, w.Servicer, "Servicing:WithdrawReport", d.deal, "1", "too late")
	// Period 2 checks its loans against period 1's certified rows.
	m2 := d.nextMonth(t)
	d.report(t, m2)
	if v := w.Must(w.Auditor, "Servicing:GetReport", d.deal, "2"); !strings.Contains(v, `"status":"complete"`) {
		t.Fatal(v)
	}
}
