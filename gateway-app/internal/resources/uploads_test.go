package resources

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload/uploadtest"
)

// poolFiles is a simulated pool: its tape and first servicer report, and
// their files.
type poolFiles struct {
	cutoff  loantape.Month
	loans   []loantape.Loan
	rows    []loantape.PeriodRow
	balance money.Amount
}

func simulate(t *testing.T, n int) poolFiles {
	p := uploadtest.Simulate(t, 11, n)
	return poolFiles{cutoff: p.Cutoff, loans: p.Loans, rows: p.Rows, balance: p.Balance}
}

func csvOf[R loantape.Record](t *testing.T, recs []R) []byte { return uploadtest.CSV(t, recs) }

func xmlOf[R loantape.Record](t *testing.T, recs []R) []byte { return uploadtest.XML(t, recs) }

// upload sends a file as the servicer.
func (ts *testServer) upload(method, path, contentType string, body []byte, header ...string) answer {
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+token(roles.Servicer))
	r.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	ts.h.ServeHTTP(w, r)
	var out bytes.Buffer
	out.ReadFrom(w.Result().Body)
	return answer{Status: w.Result().StatusCode, Header: w.Result().Header, Body: out.Bytes()}
}

// chaincodeFake scripts the pool, deal and report functions the way the
// chaincode answers them, keeping the state the uploads build: the tape's
// chunks and the report's chunks, with the Merkle roots the chaincode
// would compute.
type chaincodeFake struct {
	mu        sync.Mutex
	pool      schema.Pool
	tapeLoans int
	tapeChunk int
	tapeTree  merkle.Builder
	tapeBal   money.Amount
	svc       schema.DealServicing
	report    *schema.Report
	repTree   merkle.Builder
}

func (ts *testServer) chaincode(t *testing.T, f poolFiles) *chaincodeFake {
	cc := &chaincodeFake{
		pool: schema.Pool{ID: "POOL-1", Originator: testMSP, Servicer: testMSP, CutoffDate: f.cutoff.LastDay().String(), Status: schema.PoolOpen},
		svc: schema.DealServicing{Deal: "DEAL-1", Pool: "POOL-1",
			State: waterfall.State{PoolBalance: f.balance, AccruedThrough: daycount.NewDate(2026, time.January, 20)}},
	}
	l := ts.ledger
	l.script("Pool:Get", func(ledger.Tx) (ledger.Result, error) {
		cc.mu.Lock()
		defer cc.mu.Unlock()
		return jsonResult(schema.PoolView{Pool: cc.pool, NextChunk: cc.tapeChunk, LoansAdded: cc.tapeLoans, BalanceSoFar: cc.tapeBal})
	})
	l.script("Pool:AddLoans", func(tx ledger.Tx) (ledger.Result, error) {
		cc.mu.Lock()
		defer cc.mu.Unlock()
		var loans []loantape.Loan
		if err := json.Unmarshal(tx.Transient["loans"], &loans); err != nil {
			t.Errorf("AddLoans transient: %v", err)
		}
		if tx.Args[1] != fmt.Sprint(cc.tapeChunk) {
			return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: errs.AlreadyExists, Message: "chunk out of order"}
		}
		for _, ln := range loans {
			cc.tapeTree.Add(merkle.LeafHash(ln.Canonical()))
			cc.tapeBal += ln.ReportingPeriodActualEndBalanceAmount
		}
		cc.tapeChunk++
		cc.tapeLoans += len(loans)
		return ledger.Result{}, nil
	})
	l.script("Pool:Seal", func(ledger.Tx) (ledger.Result, error) {
		cc.mu.Lock()
		defer cc.mu.Unlock()
		cc.pool.Status, cc.pool.MerkleRoot, cc.pool.LoanCount, cc.pool.Balance = schema.PoolSealed, merkle.Hex(cc.tapeTree.Root()), cc.tapeLoans, cc.tapeBal
		return ledger.Result{}, nil
	})
	l.answer("Deal:Get", schema.Deal{ID: "DEAL-1", Pool: "POOL-1", Arranger: "Org1MSP"})
	l.script("Servicing:GetStatus", func(ledger.Tx) (ledger.Result, error) {
		cc.mu.Lock()
		defer cc.mu.Unlock()
		return jsonResult(cc.svc)
	})
	l.script("Servicing:GetReport", func(tx ledger.Tx) (ledger.Result, error) {
		cc.mu.Lock()
		defer cc.mu.Unlock()
		if cc.report == nil || tx.Args[1] != fmt.Sprint(cc.report.Period) {
			return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: errs.NotFound, Message: "no report"}
		}
		return jsonResult(cc.report)
	})
	l.script("Servicing:SubmitReport", func(tx ledger.Tx) (ledger.Result, error) {
		cc.mu.Lock()
		defer cc.mu.Unlock()
		var h schema.ReportHeader
		if err := json.Unmarshal([]byte(tx.Args[1]), &h); err != nil {
			t.Errorf("SubmitReport header: %v", err)
		}
		attempt := 1
		if cc.report != nil {
			attempt = cc.report.Attempt + 1
		}
		cc.report = &schema.Report{Deal: "DEAL-1", Pool: "POOL-1", Period: cc.svc.Period + 1, Attempt: attempt, Status: schema.ReportOpen, Header: h}
		cc.repTree = merkle.Builder{}
		return ledger.Result{}, nil
	})
	l.script("Servicing:AddReportRows", func(tx ledger.Tx) (ledger.Result, error) {
		cc.mu.Lock()
		defer cc.mu.Unlock()
		var ch loantape.ReportChunk
		if err := json.Unmarshal(tx.Transient["chunk"], &ch); err != nil {
			t.Errorf("AddReportRows transient: %v", err)
		}
		if ch.Index != cc.report.ChunksReceived {
			return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: errs.Conflict, Message: "chunk out of order"}
		}
		for _, r := range ch.Rows {
			cc.repTree.Add(merkle.LeafHash(r.Canonical()))
		}
		cc.report.ChunksReceived++
		if cc.report.ChunksReceived == cc.report.Header.Chunks {
			cc.report.Status, cc.report.MerkleRoot = schema.ReportComplete, merkle.Hex(cc.repTree.Root())
		}
		return ledger.Result{}, nil
	})
	return cc
}

// failAddLoans makes the call-th Pool:AddLoans, and the upload's retries
// of it, fail as an unreachable orderer (nothing committed, worth a retry
// later): the upload stops on that chunk.
func (ts *testServer) failAddLoans(call int) {
	calls := 0
	add := ts.ledger.answers["Pool:AddLoans"]
	ts.ledger.script("Pool:AddLoans", func(tx ledger.Tx) (ledger.Result, error) {
		if calls++; calls >= call && calls < call+upload.DefaultAttempts {
			return ledger.Result{}, &ledger.Error{Kind: ledger.KindUnavailable, Message: "orderer unreachable", Retryable: true}
		}
		return add(tx)
	})
}

func jsonResult(v any) (ledger.Result, error) {
	b, err := json.Marshal(v)
	return ledger.Result{Payload: b}, err
}

// uploadTapeAndSeal puts the whole tape through the gateway and seals the
// pool, so the gateway's loan book matches the ledger.
func uploadTapeAndSeal(t *testing.T, ts *testServer, f poolFiles) upload.TapeUpload {
	t.Helper()
	a := ts.upload("PUT", "/v1/pools/POOL-1/loans?chunkSize=7", "text/csv", csvOf(t, f.loans))
	if a.Status != http.StatusOK {
		t.Fatalf("tape upload: %d %s", a.Status, a.Body)
	}
	var tu upload.TapeUpload
	a.decode(t, &tu)
	if s := ts.do("POST", "/v1/pools/POOL-1/seal", roles.Servicer, ""); s.Status != http.StatusOK {
		t.Fatalf("seal: %d %s", s.Status, s.Body)
	}
	return tu
}

func TestTapeUploadChecksThenSubmitsInChunks(t *testing.T) {
	ts := newTestServer(t)
	f := simulate(t, 30)
	cc := ts.chaincode(t, f)
	tu := uploadTapeAndSeal(t, ts, f)
	if tu.Loans != 30 || tu.Chunks != 5 || tu.ResumedAt != 0 || len(tu.Transactions) != 5 || tu.Balance != f.balance {
		t.Fatalf("upload: %+v", tu)
	}
	if tu.MerkleRoot != cc.pool.MerkleRoot {
		t.Fatalf("gateway root %s, ledger %s", tu.MerkleRoot, cc.pool.MerkleRoot)
	}
	adds := ts.ledger.submitted("Pool:AddLoans")
	for i, c := range adds {
		if c.Tx.Args[0] != "POOL-1" || c.Tx.Args[1] != fmt.Sprint(i) {
			t.Errorf("chunk %d args %v", i, c.Tx.Args)
		}
		if !slices.Equal(c.Tx.Endorsers, []string{"Org1MSP", "Org2MSP"}) {
			t.Errorf("chunk %d endorsed by %v: the loanTape collection needs the trustee and the servicer", i, c.Tx.Endorsers)
		}
		if c.Identity != "User3" { // the servicer's identity
			t.Errorf("chunk %d submitted as %s", i, c.Identity)
		}
	}
}

func TestTapeUploadResumesTheSameFileAndRefusesAnother(t *testing.T) {
	ts := newTestServer(t)
	f := simulate(t, 20)
	cc := ts.chaincode(t, f)
	// The third chunk fails (the orderer is unreachable): two are on the ledger.
	ts.failAddLoans(3)
	file := csvOf(t, f.loans)
	a := ts.upload("PUT", "/v1/pools/POOL-1/loans?chunkSize=5", "text/csv", file)
	p := a.problem(t)
	if a.Status != http.StatusServiceUnavailable || !strings.Contains(p.Detail, "chunk 2") || !strings.Contains(p.Detail, "upload the same file again") {
		t.Fatalf("failed chunk: %d %s", a.Status, a.Body)
	}
	if cc.tapeChunk != 2 {
		t.Fatalf("%d chunks on the ledger", cc.tapeChunk)
	}
	// Another file is refused: its first chunks are not what the pool holds.
	other := slices.Clone(f.loans)
	other[0], other[19] = other[19], other[0]
	a = ts.upload("PUT", "/v1/pools/POOL-1/loans?chunkSize=5", "text/csv", csvOf(t, other))
	if a.Status != http.StatusConflict || a.problem(t).Code != string(errs.Conflict) {
		t.Fatalf("another file: %d %s", a.Status, a.Body)
	}
	// The same file resumes at chunk 2.
	a = ts.upload("PUT", "/v1/pools/POOL-1/loans?chunkSize=5", "text/csv", file)
	var tu upload.TapeUpload
	a.decode(t, &tu)
	if a.Status != http.StatusOK || tu.ResumedAt != 2 || len(tu.Transactions) != 2 || cc.tapeChunk != 4 || cc.tapeLoans != 20 {
		t.Fatalf("resume: %d %s (ledger %d chunks)", a.Status, a.Body, cc.tapeChunk)
	}
	// Once more: everything is on the ledger already, nothing is submitted.
	n := len(ts.ledger.submitted(""))
	if a := ts.upload("PUT", "/v1/pools/POOL-1/loans?chunkSize=5", "text/csv", file); a.Status != http.StatusOK || len(ts.ledger.submitted("")) != n {
		t.Fatalf("the whole tape again: %d %s", a.Status, a.Body)
	}
	// Half the file is not what the pool holds.
	if a := ts.upload("PUT", "/v1/pools/POOL-1/loans?chunkSize=5", "text/csv", csvOf(t, f.loans[:10])); a.Status != http.StatusConflict {
		t.Fatalf("a shorter file: %d %s", a.Status, a.Body)
	}
}

// TestARetryWithTheSameIdempotencyKeyResumes: a chunk that failed for a
// transient reason releases the Idempotency-Key (nothing of that chunk
// committed), so the client's retry of the same request with the same key
// runs again and resumes after the chunks on the ledger; a third send is
// answered from the idempotency store without a submission.
func TestARetryWithTheSameIdempotencyKeyResumes(t *testing.T) {
	ts := newTestServer(t)
	f := simulate(t, 12)
	cc := ts.chaincode(t, f)
	ts.failAddLoans(2)
	file := csvOf(t, f.loans)
	send := func() answer {
		return ts.upload("PUT", "/v1/pools/POOL-1/loans?chunkSize=5", "text/csv", file, api.HeaderIdempotencyKey, "tape-1")
	}
	if a := send(); a.Status != http.StatusServiceUnavailable || !strings.Contains(a.problem(t).Detail, "chunk 1") {
		t.Fatalf("failed chunk: %d %s", a.Status, a.Body)
	}
	a := send()
	var tu upload.TapeUpload
	a.decode(t, &tu)
	if a.Status != http.StatusOK || a.Header.Get(api.HeaderIdempotentReplay) != "" || tu.ResumedAt != 1 || len(tu.Transactions) != 2 || cc.tapeChunk != 3 {
		t.Fatalf("retry: %d %s (ledger %d chunks)", a.Status, a.Body, cc.tapeChunk)
	}
	n := len(ts.ledger.submitted(""))
	if again := send(); again.Status != http.StatusOK || again.Header.Get(api.HeaderIdempotentReplay) != "true" || !bytes.Equal(again.Body, a.Body) || len(ts.ledger.submitted("")) != n {
		t.Fatalf("replay: %d %s", again.Status, again.Body)
	}
}

// TestBadFilesAreRefusedWithRowAndRuleAndNothingIsSubmitted is the upload
// pipeline's contract: a file with a bad row is refused whole, naming the
// line, loan, field and rule of each bad row, and the ledger sees no
// submission at all.
func TestBadFilesAreRefusedWithRowAndRuleAndNothingIsSubmitted(t *testing.T) {
	f := simulate(t, 25)
	good := csvOf(t, f.rows)
	lines := strings.Split(string(good), "\n")
	header := strings.Split(lines[0], ",")
	col := func(name string) int { return slices.Index(header, name) }
	setCell := func(line int, column, value string) []byte {
		out := slices.Clone(lines)
		cells := strings.Split(out[line-1], ",")
		cells[col(column)] = value
		out[line-1] = strings.Join(cells, ",")
		return []byte(strings.Join(out, "\n"))
	}
	dropColumn := func(column string) []byte {
		i := col(column)
		out := make([]string, 0, len(lines))
		for _, l := range lines {
			if l == "" {
				continue
			}
			cells := strings.Split(l, ",")
			out = append(out, strings.Join(append(cells[:i:i], cells[i+1:]...), ","))
		}
		return []byte(strings.Join(out, "\n") + "\n")
	}
	unknown := slices.Clone(f.rows)
	unknown[6].AssetNumber = "999999999"

	tests := []struct {
		name, query string
		file        []byte
		row         int
		asset       string
		field, rule string
	}{
		{"bad number", "", setCell(5, "actualInterestCollectedAmount", "12.5O"), 5, f.rows[3].AssetNumber, "actualInterestCollectedAmount", loantape.RuleNumber},
		{"missing column", "", dropColumn("reportingPeriodActualEndBalanceAmount"), 1, "", "reportingPeriodActualEndBalanceAmount", loantape.RuleMissingColumn},
		{"unknown loan", "", csvOf(t, unknown), 8, "999999999", "assetNumber", loantape.RuleUnknownAsset},
		{"totals that do not add up", "?loanCount=24", good, 0, "", "loanCount", loantape.RuleTotals},
		{"ending balance control total", "?endingBalance=1.00", good, 0, "", "endingBalance", loantape.RuleTotals},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.chaincode(t, f)
			uploadTapeAndSeal(t, ts, f) // the loan book now matches the ledger
			before := len(ts.ledger.submitted(""))
			a := ts.upload("POST", "/v1/deals/DEAL-1/reports"+tt.query, "text/csv", tt.file)
			p := a.problem(t)
			if a.Status != http.StatusUnprocessableEntity || p.Code != api.CodeUploadInvalid || len(p.Errors) == 0 {
				t.Fatalf("%d %s", a.Status, a.Body)
			}
			e := p.Errors[0]
			if e.Row != tt.row || e.Field != tt.field || e.Rule != tt.rule || e.AssetNumber != tt.asset || e.Detail == "" {
				t.Fatalf("first error %+v, want row %d field %s rule %s loan %q", e, tt.row, tt.field, tt.rule, tt.asset)
			}
			if p.Row != tt.row || p.Field != tt.field {
				t.Errorf("problem row %d field %q, want the first error's", p.Row, p.Field)
			}
			if after := ts.ledger.submitted(""); len(after) != before {
				t.Fatalf("the ledger saw %d submissions for a refused file: %v", len(after)-before, after[before:])
			}
		})
	}
}

func TestReportUploadOpensThenAddsEveryChunk(t *testing.T) {
	f := simulate(t, 45)
	for _, format := range []struct {
		contentType string
		file        func(*testing.T, []loantape.PeriodRow) []byte
	}{{"text/csv", csvOf[loantape.PeriodRow]}, {"application/xml", xmlOf[loantape.PeriodRow]}} {
		t.Run(format.contentType, func(t *testing.T) {
			ts := newTestServer(t)
			cc := ts.chaincode(t, f)
			uploadTapeAndSeal(t, ts, f)
			a := ts.upload("POST", "/v1/deals/DEAL-1/reports?chunkSize=20&loanCount=45", format.contentType, format.file(t, f.rows), "Idempotency-Key", "report-1")
			if a.Status != http.StatusCreated {
				t.Fatalf("%d %s", a.Status, a.Body)
			}
			var ru upload.ReportUpload
			a.decode(t, &ru)
			if ru.Period != 1 || ru.Rows != 45 || ru.Chunks != 3 || ru.Status != schema.ReportComplete || !ru.LoansChecked ||
				ru.MerkleRoot == "" || ru.MerkleRoot != cc.report.MerkleRoot || len(ru.Transactions) != 4 {
				t.Fatalf("upload %+v", ru)
			}
			open := ts.ledger.submitted("Servicing:SubmitReport")
			if len(open) != 1 || open[0].Tx.Args[0] != "DEAL-1" {
				t.Fatalf("SubmitReport calls %v", open)
			}
			var h schema.ReportHeader
			json.Unmarshal([]byte(open[0].Tx.Args[1]), &h)
			if h.Chunks != 3 || h.Aggregates.LoanCount != 45 || h.Aggregates.Period.Number != 1 || h.Aggregates.BeginningBalance != f.balance {
				t.Fatalf("declared header %+v", h)
			}
			rows := ts.ledger.submitted("Servicing:AddReportRows")
			if len(rows) != 3 {
				t.Fatalf("%d AddReportRows", len(rows))
			}
			for i, c := range rows {
				var ch loantape.ReportChunk
				json.Unmarshal(c.Tx.Transient["chunk"], &ch)
				if ch.Index != i || len(ch.Rows) != min(20, 45-20*i) || !slices.Equal(c.Tx.Endorsers, []string{"Org1MSP", "Org2MSP"}) {
					t.Errorf("chunk %d: index %d, %d rows, endorsers %v", i, ch.Index, len(ch.Rows), c.Tx.Endorsers)
				}
				if len(c.Tx.Args) != 2 || c.Tx.Args[1] != "1" {
					t.Errorf("chunk %d args %v: rows never travel in arguments", i, c.Tx.Args)
				}
			}
			// An idempotent retry answers the same and submits nothing.
			n := len(ts.ledger.submitted(""))
			again := ts.upload("POST", "/v1/deals/DEAL-1/reports?chunkSize=20&loanCount=45", format.contentType, format.file(t, f.rows), "Idempotency-Key", "report-1")
			if again.Status != http.StatusCreated || again.Header.Get(api.HeaderIdempotentReplay) != "true" || !bytes.Equal(again.Body, a.Body) {
				t.Fatalf("retry: %d %s", again.Status, again.Body)
			}
			if len(ts.ledger.submitted("")) != n {
				t.Fatal("an idempotent retry of an upload submitted again")
			}
		})
	}
}

func TestReportUploadWithoutTheLoanBookLeavesLoanChecksToTheChaincode(t *testing.T) {
	ts := newTestServer(t)
	f := simulate(t, 12)
	cc := ts.chaincode(t, f)
	// The tape was loaded through another gateway: this one's book is empty.
	cc.pool.Status, cc.pool.MerkleRoot = schema.PoolSealed, strings.Repeat("ab", 32)
	unknown := slices.Clone(f.rows)
	unknown[2].AssetNumber = "999999999"
	ts.ledger.script("Servicing:AddReportRows", func(ledger.Tx) (ledger.Result, error) {
		return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: errs.BadInput,
			Message: "chunk 0 refused, 1 row error; line 4 (loan 999999999): assetNumber 999999999 is not in the pool (rule unknown-asset)"}
	})
	a := ts.upload("POST", "/v1/deals/DEAL-1/reports", "text/csv", csvOf(t, unknown))
	p := a.problem(t)
	if a.Status != http.StatusBadRequest || p.Code != string(errs.BadInput) || !strings.Contains(p.Detail, "unknown-asset") || !strings.Contains(p.Detail, "chunk 0") {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
}

func TestUploadRefusesOtherMediaTypesAndOtherRoles(t *testing.T) {
	ts := newTestServer(t)
	a := ts.upload("POST", "/v1/deals/DEAL-1/reports", "application/json", []byte(`{"rows":[]}`))
	if a.Status != http.StatusUnsupportedMediaType || a.problem(t).Code != api.CodeUnsupportedMediaType {
		t.Fatalf("JSON body: %d %s", a.Status, a.Body)
	}
	r := httptest.NewRequest("POST", "/v1/deals/DEAL-1/reports", strings.NewReader("assetNumber\n1\n"))
	r.Header.Set("Authorization", "Bearer "+token(roles.Investor))
	r.Header.Set("Content-Type", "text/csv")
	w := httptest.NewRecorder()
	ts.h.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden {
		t.Fatalf("an investor uploading a report: %d %s", w.Code, w.Body)
	}
	if a := ts.upload("POST", "/v1/deals/DEAL-1/reports?chunkSize=5000", "text/csv", []byte("x\n")); a.Status != http.StatusBadRequest || a.problem(t).Field != "chunkSize" {
		t.Fatalf("chunkSize above the chaincode's limit: %d %s", a.Status, a.Body)
	}
	if len(ts.ledger.submitted("")) != 0 {
		t.Fatal("refused uploads submitted something")
	}
}
