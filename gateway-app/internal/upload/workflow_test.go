package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload/uploadtest"
)

const bank = "Org2MSP"

// fakeChain is the Submitter of the workflow tests: the pool, deal and
// report records the chaincode would keep, changed by the submissions as
// the chaincode changes them (chunks in order, Merkle roots), with a
// failure to inject before a given submission.
type fakeChain struct {
	t         *testing.T
	pool      schema.Pool
	progress  TapeProgress
	tapeTree  merkle.Builder
	svc       schema.DealServicing
	report    *schema.Report
	repTree   merkle.Builder
	submitted []ledger.Tx
	parties   []string
	// failAt makes the submission with this number (1-based, counted
	// over the fake's life) fail as an unreachable orderer.
	failAt int
	// failOnce makes the first submission of these "function/chunk"
	// fail the same way (chunks in flight come in no fixed order).
	failOnce map[string]bool
	// failures are errors the next submissions of a "function/chunk"
	// return, in turn; attempts counts every submission of one.
	failures map[string][]error
	attempts map[string]int

	// Chunks that went in concurrently, by index, as their records.
	tapeChunks   map[int]schema.TapeChunkSummary
	tapeChecked  int // chunks the last Pool:CheckTape covered
	tapeSize     int
	reportChunks map[int]string // root

	mu                sync.Mutex
	active, maxAtOnce int
}

func newFakeChain(t *testing.T, cutoff loantape.Month, balance money.Amount) *fakeChain {
	return &fakeChain{t: t,
		pool: schema.Pool{ID: "POOL-1", Servicer: bank, CutoffDate: cutoff.LastDay().String(), Status: schema.PoolOpen},
		svc:  schema.DealServicing{Deal: "DEAL-1", Pool: "POOL-1", State: waterfall.State{PoolBalance: balance}},
	}
}

func (f *fakeChain) Pool(id string) (schema.Pool, TapeProgress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.progress
	if len(f.tapeChunks) > 0 {
		p = TapeProgress{}
		for i := 0; i < 1<<20 && len(p.Chunks) < len(f.tapeChunks); i++ {
			c, ok := f.tapeChunks[i]
			if !ok {
				continue
			}
			if c.Chunk == p.NextChunk {
				p.NextChunk++
			}
			p.Chunks = append(p.Chunks, c)
			p.LoansAdded += c.Loans
			p.BalanceSoFar += c.Balance
		}
	}
	return f.pool, p, nil
}
func (f *fakeChain) DealPool(deal string) (schema.Pool, error) { return f.pool, nil }
func (f *fakeChain) Servicing(deal string) (schema.DealServicing, error) {
	return f.svc, nil
}

func (f *fakeChain) Report(deal string, period int) (*schema.Report, bool, error) {
	if f.report == nil || f.report.Period != period {
		return nil, false, nil
	}
	r := *f.report
	return &r, true, nil
}

func (f *fakeChain) Submit(tx ledger.Tx, party string) (ledger.Result, error) {
	// Count how many submissions are in flight at once, holding each
	// long enough for the others to arrive.
	f.mu.Lock()
	f.active++
	f.maxAtOnce = max(f.maxAtOnce, f.active)
	f.mu.Unlock()
	time.Sleep(2 * time.Millisecond)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.active--
	unavailable := &ledger.Error{Kind: ledger.KindUnavailable, Message: "orderer unreachable", Retryable: true}
	if len(f.submitted)+1 == f.failAt {
		f.failAt = 0
		return ledger.Result{}, unavailable
	}
	if len(tx.Args) > 1 && f.attempts != nil {
		key := tx.Fn + "/" + chunkOf(f.t, tx)
		f.attempts[key]++
		if queue := f.failures[key]; len(queue) > 0 {
			f.failures[key] = queue[1:]
			return ledger.Result{}, queue[0]
		}
	}
	if len(tx.Args) > 1 && f.failOnce[tx.Fn+"/"+chunkOf(f.t, tx)] {
		delete(f.failOnce, tx.Fn+"/"+chunkOf(f.t, tx))
		return ledger.Result{}, unavailable
	}
	f.submitted = append(f.submitted, tx)
	f.parties = append(f.parties, party)
	txID := fmt.Sprintf("tx%d", len(f.submitted))
	switch tx.Fn {
	case "Pool:AddLoans":
		if size, sized := tx.Transient["chunkSize"]; sized {
			return f.addTapeChunk(tx, string(size), txID)
		}
		var loans []loantape.Loan
		if err := json.Unmarshal(tx.Transient["loans"], &loans); err != nil {
			f.t.Fatalf("AddLoans transient: %v", err)
		}
		if tx.Args[1] != fmt.Sprint(f.progress.NextChunk) {
			return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: errs.WrongState, Message: "chunk out of order"}
		}
		for _, l := range loans {
			f.tapeTree.Add(merkle.LeafHash(l.Canonical()))
			f.progress.BalanceSoFar += l.ReportingPeriodActualEndBalanceAmount
		}
		f.progress.NextChunk++
		f.progress.LoansAdded += len(loans)
	case "Pool:CheckTape":
		if f.tapeChecked == len(f.tapeChunks) {
			return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: errs.AlreadyExists, Message: "already checked"}
		}
		f.tapeChecked = len(f.tapeChunks)
	case "Servicing:SubmitReport":
		var h schema.ReportHeader
		if err := json.Unmarshal([]byte(tx.Args[1]), &h); err != nil {
			f.t.Fatalf("SubmitReport header: %v", err)
		}
		f.report = &schema.Report{Deal: "DEAL-1", Pool: "POOL-1", Period: f.svc.Period + 1, Attempt: 1, Status: schema.ReportOpen, Header: h}
		f.repTree = merkle.Builder{}
	case "Servicing:AddReportRows":
		var ch loantape.ReportChunk
		if err := json.Unmarshal(tx.Transient["chunk"], &ch); err != nil {
			f.t.Fatalf("AddReportRows transient: %v", err)
		}
		if f.report.Header.ChunkSize > 0 {
			return f.addReportChunk(ch, txID)
		}
		if ch.Index != f.report.ChunksReceived {
			return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: errs.Conflict, Message: "chunk out of order"}
		}
		for _, r := range ch.Rows {
			f.repTree.Add(merkle.LeafHash(r.Canonical()))
		}
		if f.report.ChunksReceived++; f.report.ChunksReceived == f.report.Header.Chunks {
			f.report.Status, f.report.MerkleRoot = schema.ReportComplete, merkle.Hex(f.repTree.Root())
		}
	case "Servicing:CompleteReport":
		var roots [][merkle.Size]byte
		for i := 0; i < f.report.Header.Chunks; i++ {
			r, ok := f.reportChunks[i]
			if !ok {
				return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: errs.WrongState, Message: fmt.Sprintf("chunk %d is not in", i)}
			}
			h, _ := merkle.ParseHash(r)
			roots = append(roots, h)
		}
		root, err := merkle.RootOfChunks(f.report.Header.ChunkSize, roots)
		if err != nil {
			f.t.Fatal(err)
		}
		f.report.Status, f.report.MerkleRoot, f.report.ChunksReceived = schema.ReportComplete, merkle.Hex(root), len(roots)
	default:
		f.t.Fatalf("unexpected submission %s", tx.Fn)
	}
	return ledger.Result{TxID: txID}, nil
}

// chunkOf is the chunk a submission carries, or "".
func chunkOf(t *testing.T, tx ledger.Tx) string {
	switch tx.Fn {
	case "Pool:AddLoans":
		return tx.Args[1]
	case "Servicing:AddReportRows":
		var ch loantape.ReportChunk
		if err := json.Unmarshal(tx.Transient["chunk"], &ch); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ch.Index)
	}
	return ""
}

// addTapeChunk is Pool:AddLoans with a chunk size: the chunk's own record.
func (f *fakeChain) addTapeChunk(tx ledger.Tx, size, txID string) (ledger.Result, error) {
	var loans []loantape.Loan
	if err := json.Unmarshal(tx.Transient["loans"], &loans); err != nil {
		f.t.Fatalf("AddLoans transient: %v", err)
	}
	index, _ := strconv.Atoi(tx.Args[1])
	if _, in := f.tapeChunks[index]; in {
		return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: errs.AlreadyExists, Message: "chunk already added"}
	}
	if f.tapeChunks == nil {
		f.tapeChunks = map[int]schema.TapeChunkSummary{}
	}
	var leaves [][merkle.Size]byte
	c := schema.TapeChunkSummary{Chunk: index, Loans: len(loans)}
	for _, l := range loans {
		leaves = append(leaves, merkle.LeafHash(l.Canonical()))
		c.Balance += l.ReportingPeriodActualEndBalanceAmount
	}
	c.Root = merkle.Hex(merkle.Root(leaves))
	f.tapeChunks[index] = c
	f.tapeSize, _ = strconv.Atoi(size)
	return ledger.Result{TxID: txID}, nil
}

// addReportChunk is Servicing:AddReportRows of a report with a chunk size.
func (f *fakeChain) addReportChunk(ch loantape.ReportChunk, txID string) (ledger.Result, error) {
	if _, in := f.reportChunks[ch.Index]; in {
		return ledger.Result{}, &ledger.Error{Kind: ledger.KindRefused, Code: errs.AlreadyExists, Message: "chunk already in"}
	}
	if f.reportChunks == nil {
		f.reportChunks = map[int]string{}
	}
	var tree merkle.Builder
	for _, r := range ch.Rows {
		tree.Add(merkle.LeafHash(r.Canonical()))
	}
	f.reportChunks[ch.Index] = merkle.Hex(tree.Root())
	return ledger.Result{TxID: txID}, nil
}

// seal seals the pool as Pool:Seal does.
func (f *fakeChain) seal() {
	root := f.tapeTree.Root()
	if len(f.tapeChunks) > 0 {
		if f.tapeChecked != len(f.tapeChunks) {
			f.t.Fatalf("sealing a tape of %d chunks whose check covered %d", len(f.tapeChunks), f.tapeChecked)
		}
		roots := make([][merkle.Size]byte, len(f.tapeChunks))
		for i := range roots {
			roots[i], _ = merkle.ParseHash(f.tapeChunks[i].Root)
		}
		var err error
		if root, err = merkle.RootOfChunks(f.tapeSize, roots); err != nil {
			f.t.Fatal(err)
		}
	}
	f.pool.Status, f.pool.MerkleRoot = schema.PoolSealed, merkle.Hex(root)
}

func csvFile[R loantape.Record](t *testing.T, recs []R) File {
	return File{Open: opener(uploadtest.CSV(t, recs)), Format: CSV}
}

func openBook(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestTapeGoesInChunksAndTheLoanBookFollows(t *testing.T) {
	p := uploadtest.Simulate(t, 5, 23)
	chain := newFakeChain(t, p.Cutoff, p.Balance)
	book := openBook(t)
	w := Workflow{Ledger: chain, Book: book, MSP: bank}
	out, err := w.Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, p.Loans), ChunkSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	if out.Loans != 23 || out.Chunks != 5 || out.ResumedAt != 0 || len(out.Transactions) != 5 || out.Balance != p.Balance {
		t.Fatalf("%+v", out)
	}
	for i, tx := range chain.submitted {
		if tx.Fn != "Pool:AddLoans" || tx.Args[0] != "POOL-1" || tx.Args[1] != fmt.Sprint(i) || chain.parties[i] != bank {
			t.Errorf("submission %d: %s %v party %s", i, tx.Fn, tx.Args, chain.parties[i])
		}
	}
	if want := merkle.Hex(chain.tapeTree.Root()); out.MerkleRoot != want || chain.progress.LoansAdded != 23 {
		t.Fatalf("root %s, the ledger's %s; %d loans on the ledger", out.MerkleRoot, want, chain.progress.LoansAdded)
	}
	book.View(func(r store.Reader) error {
		tape, found, err := r.Tape("POOL-1")
		if err != nil || !found || tape.Root != out.MerkleRoot || tape.Loans != 23 {
			t.Errorf("loan book tape: %+v %v %v", tape, found, err)
		}
		last := p.Loans[22]
		prior, found, err := r.Prior("POOL-1", 1, last.AssetNumber)
		if err != nil || !found || prior.EndBalance != last.ReportingPeriodActualEndBalanceAmount {
			t.Errorf("loan book balance of %s: %+v %v %v", last.AssetNumber, prior, found, err)
		}
		return nil
	})
}

func TestTapeResumesAfterAFailedChunkAndRefusesAnotherFile(t *testing.T) {
	p := uploadtest.Simulate(t, 5, 20)
	chain := newFakeChain(t, p.Cutoff, p.Balance)
	chain.failAt = 3
	w := Workflow{Ledger: chain, Book: openBook(t), MSP: bank, Attempts: 1} // no retry: the failure stops the upload
	file := csvFile(t, p.Loans)
	_, err := w.Tape(TapeRequest{Pool: "POOL-1", File: file, ChunkSize: 5})
	var ce *ChunkError
	var le *ledger.Error
	if !errors.As(err, &ce) || ce.Index != 2 || ce.Committed != 2 || !errors.As(err, &le) || le.Kind != ledger.KindUnavailable {
		t.Fatalf("failed chunk: %v", err)
	}
	if chain.progress.NextChunk != 2 {
		t.Fatalf("%d chunks on the ledger", chain.progress.NextChunk)
	}

	// Another file whose first chunks differ from the pool's: refused,
	// nothing submitted.
	other := slices.Clone(p.Loans)
	other[0], other[19] = other[19], other[0]
	n := len(chain.submitted)
	if _, err := w.Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, other), ChunkSize: 5}); errs.CodeOf(err) != errs.Conflict || len(chain.submitted) != n {
		t.Fatalf("another file: %v (%d submissions)", err, len(chain.submitted)-n)
	}

	// The same file resumes after the two chunks on the ledger.
	out, err := w.Tape(TapeRequest{Pool: "POOL-1", File: file, ChunkSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	if out.ResumedAt != 2 || len(out.Transactions) != 2 || chain.progress.NextChunk != 4 || chain.progress.LoansAdded != 20 {
		t.Fatalf("resume: %+v; ledger %+v", out, chain.progress)
	}
	if out.MerkleRoot != merkle.Hex(chain.tapeTree.Root()) {
		t.Fatal("the resumed upload's root differs from the ledger's")
	}
}

func TestTapeWithBadRowsSubmitsNothing(t *testing.T) {
	p := uploadtest.Simulate(t, 5, 12)
	bad := slices.Clone(p.Loans)
	bad[4].AssetNumber = ""
	bad[9].OriginalLoanAmount = -1
	chain := newFakeChain(t, p.Cutoff, p.Balance)
	book := openBook(t)
	_, err := Workflow{Ledger: chain, Book: book, MSP: bank}.Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, bad), ChunkSize: 5})
	var r *Refused
	if !errors.As(err, &r) || len(r.Errors) < 2 {
		t.Fatalf("err = %v", err)
	}
	if r.Errors[0].Line != 6 || r.Errors[0].Field == "" || r.Errors[0].Rule == "" {
		t.Errorf("first error: %+v (the header is line 1, loan 5 line 6)", r.Errors[0])
	}
	if len(chain.submitted) != 0 {
		t.Fatalf("%d submissions for a refused file", len(chain.submitted))
	}
	book.View(func(r store.Reader) error {
		if _, found, _ := r.Tape("POOL-1"); found {
			t.Error("the loan book records a refused tape")
		}
		return nil
	})

	chain.seal()
	if _, err := (Workflow{Ledger: chain, Book: book, MSP: bank}).Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, p.Loans)}); errs.CodeOf(err) != errs.WrongState {
		t.Fatalf("a sealed pool: %v", err)
	}
}

func TestReportOpensChunksAndChecksLoansAgainstTheBook(t *testing.T) {
	p := uploadtest.Simulate(t, 5, 30)
	chain := newFakeChain(t, p.Cutoff, p.Balance)
	book := openBook(t)
	w := Workflow{Ledger: chain, Book: book, MSP: bank, Attempts: 1} // no retry: the failure stops the upload
	if _, err := w.Tape(TapeRequest{Pool: "POOL-1", File: csvFile(t, p.Loans)}); err != nil {
		t.Fatal(err)
	}
	chain.seal()
	chain.submitted, chain.parties = nil, nil

	// A row naming a loan the pool does not hold is refused before
	// anything is submitted: the book matches the ledger.
	stray := slices.Clone(p.Rows)
	stray[3].AssetNumber = "NOT-IN-POOL"
	_, err := w.Report(ReportRequest{Deal: "DEAL-1", File: csvFile(t, stray), ChunkSize: 8})
	var r *Refused
	if !errors.As(err, &r) || r.Errors[0].AssetNumber != "NOT-IN-POOL" || len(chain.submitted) != 0 {
		t.Fatalf("stray loan: %v (%d submissions)", err, len(chain.submitted))
	}

	// The report's fourth chunk fails; the same file resumes after three.
	chain.failAt = 5 // the opening, then chunks 0, 1, 2
	file := csvFile(t, p.Rows)
	_, err = w.Report(ReportRequest{Deal: "DEAL-1", File: file, ChunkSize: 7}) // not a power of two: in order
	var ce *ChunkError
	if !errors.As(err, &ce) || ce.Index != 3 || ce.Committed != 3 {
		t.Fatalf("failed chunk: %v", err)
	}
	out, err := w.Report(ReportRequest{Deal: "DEAL-1", File: file, ChunkSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	if out.Period != 1 || out.Rows != 30 || out.Chunks != 5 || out.ResumedAt != 3 || len(out.Transactions) != 2 ||
		!out.LoansChecked || out.Status != schema.ReportComplete || out.MerkleRoot != chain.report.MerkleRoot {
		t.Fatalf("resume: %+v", out)
	}
	if chain.submitted[0].Fn != "Servicing:SubmitReport" || chain.parties[0] != "" || chain.parties[1] != bank {
		t.Fatalf("opening %s party %q, chunk party %q", chain.submitted[0].Fn, chain.parties[0], chain.parties[1])
	}
	book.View(func(r store.Reader) error {
		root, found, err := r.ReportRoot("POOL-1", 1)
		if err != nil || !found || root != out.MerkleRoot {
			t.Errorf("loan book report root: %q %v %v", root, found, err)
		}
		return nil
	})

	// A complete report is not opened again.
	if _, err := w.Report(ReportRequest{Deal: "DEAL-1", File: file}); errs.CodeOf(err) != errs.WrongState {
		t.Fatalf("a complete report: %v", err)
	}
}

func TestReportOfAnotherServicerIsForbidden(t *testing.T) {
	p := uploadtest.Simulate(t, 5, 3)
	chain := newFakeChain(t, p.Cutoff, p.Balance)
	_, err := Workflow{Ledger: chain, Book: openBook(t), MSP: "Org3MSP"}.Report(ReportRequest{Deal: "DEAL-1", File: csvFile(t, p.Rows)})
	if errs.CodeOf(err) != errs.Forbidden || len(chain.submitted) != 0 {
		t.Fatalf("err = %v", err)
	}
}
