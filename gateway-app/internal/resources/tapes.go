package resources

import (
	"fmt"
	"strconv"

	"go.etcd.io/bbolt"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/readmodel"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload"
)

// maxTapeChunk is Pool:AddLoans' limit of loans per chunk.
const maxTapeChunk = 1000

// TapeUpload is what a loan tape upload did.
type TapeUpload struct {
	Pool  string `json:"pool"`
	Loans int    `json:"loans" doc:"loans in the file"`
	// Chunks is how many Pool:AddLoans transactions hold the tape;
	// ResumedAt is the first one this upload submitted (0 unless an
	// earlier upload of the same file stopped half-way).
	Chunks         int                     `json:"chunks"`
	ResumedAt      int                     `json:"resumedAt"`
	Balance        money.Amount            `json:"balance" doc:"the cut-off balance of the tape"`
	MerkleRoot     string                  `json:"merkleRoot" doc:"the root the pool will publish when sealed, computed by the gateway"`
	Aggregates     loantape.TapeAggregates `json:"aggregates"`
	IgnoredColumns []string                `json:"ignoredColumns,omitempty" doc:"CSV columns that name no modelled EX-102 element"`
	Transactions   []string                `json:"transactions" doc:"transaction IDs of the chunks submitted, in order"`
}

var tapeParams = []api.Param{
	poolParam,
	{Name: "chunkSize", In: "query", Type: "integer", Pattern: `^[0-9]{1,4}$`, Description: "loans per Pool:AddLoans transaction, 1 to 1000 (default 1000)"},
	controlParam("loanCount", "control total: the number of loans the file must hold", false),
	controlParam("balance", "control total: the cut-off balance the loans must add up to", true),
}

func (r *resources) tapes(s *api.Server) {
	api.Register(s, api.Endpoint[api.NoBody, TapeUpload]{
		Method: "PUT", Path: "/v1/pools/{pool}/loans", Tag: "pools", Roles: servicer,
		Summary: "Upload a pool's loan tape (CSV or EX-102 XML)",
		Description: "The file is checked whole first, row by row (every loantape rule, with the line of each bad row), " +
			"against the pool's cut-off date and the optional control totals; a file with any bad row is refused (422 UPLOAD_INVALID, " +
			"errors lists each row, field and rule) and nothing is submitted. Then it is submitted in chunks (Pool:AddLoans, loans in " +
			"transient data, endorsed by the trustee and the servicer). If a chunk fails, the chunks before it stay on the ledger: " +
			"uploading the same file again resumes after them. Seal the pool afterwards.",
		Params:    tapeParams,
		Upload:    &api.Upload{ContentTypes: upload.AcceptedContentTypes(), Description: "the loan tape: EX-102 auto-loan asset data as CSV (header row of element names) or XML (assetData)"},
		Chaincode: []string{"Pool:Get", "Pool:AddLoans"},
		Handle:    r.uploadTape,
	})
}

func (r *resources) uploadTape(c *api.Call, _ *api.NoBody) (*TapeUpload, error) {
	open, format, err := uploadFile(c)
	if err != nil {
		return nil, err
	}
	pool := c.Path("pool")
	size, err := queryInt(c, "chunkSize", maxTapeChunk, 1, maxTapeChunk)
	if err != nil {
		return nil, err
	}
	var control upload.TapeControl
	if control.LoanCount, err = queryIntPtr(c, "loanCount"); err != nil {
		return nil, err
	}
	if control.Balance, err = queryAmount(c, "balance"); err != nil {
		return nil, err
	}
	res, err := c.Ask("Pool:Get", pool)
	if err != nil {
		return nil, err
	}
	view, err := decodeInto[schema.PoolView](res, "Pool:Get")
	if err != nil {
		return nil, err
	}
	if view.Pool.Status != schema.PoolOpen {
		return nil, wrongState("pool %s is sealed (root %s): its loan tape can no longer change", pool, view.Pool.MerkleRoot)
	}
	cutoff, err := loantape.ParseDate(view.Pool.CutoffDate)
	if err != nil {
		return nil, fmt.Errorf("pool %s cut-off date %q: %w", pool, view.Pool.CutoffDate, err)
	}
	checked, err := upload.CheckTape(open, format, upload.TapeRules{Cutoff: cutoff, Control: control})
	if err != nil {
		return nil, uploadError("loan tape", -1, 0, err)
	}

	out := &TapeUpload{Pool: pool, Loans: checked.Loans, Chunks: upload.Chunks(checked.Loans, size), ResumedAt: view.NextChunk,
		Balance: checked.Aggregates.Balance, Aggregates: checked.Aggregates, IgnoredColumns: checked.IgnoredColumns, Transactions: []string{}}
	var (
		tree      merkle.Builder
		before    money.Amount // balance of the chunks already on the ledger
		beforeN   int
		submitted int
	)
	book := readmodel.LoanBook{}
	err = upload.TapeChunks(open, format, size, 0, func(ch loantape.TapeChunk) error {
		for _, l := range ch.Loans {
			tree.Add(merkle.LeafHash(l.Canonical()))
		}
		if ch.Index < view.NextChunk {
			before, beforeN = before+ch.Aggregates.Balance, beforeN+len(ch.Loans)
			return r.db.Update(func(tx *bbolt.Tx) error { return book.PutTapeLoans(tx, pool, ch.Loans) })
		}
		if ch.Index == view.NextChunk && ch.Index > 0 && (beforeN != view.LoansAdded || before != view.BalanceSoFar) {
			return api.NewProblem(string(errs.Conflict), "pool %s already holds %d loans (%s) in %d chunks, but the first %d chunks of %d loans of this file hold %d (%s): "+
				"this is not the file whose upload stopped half-way", pool, view.LoansAdded, view.BalanceSoFar, view.NextChunk, view.NextChunk, size, beforeN, before)
		}
		loans, err := canon.Marshal(ch.Loans)
		if err != nil {
			return err
		}
		res, err := c.SubmitFn(ledger.Tx{Fn: "Pool:AddLoans", Args: []string{pool, strconv.Itoa(ch.Index)},
			Transient: map[string][]byte{"loans": loans}}, c.MSPID())
		if err != nil {
			return chunkFailure{index: ch.Index, err: err}
		}
		submitted++
		out.Transactions = append(out.Transactions, res.TxID)
		return r.db.Update(func(tx *bbolt.Tx) error { return book.PutTapeLoans(tx, pool, ch.Loans) })
	})
	if err != nil {
		return nil, chunkError("loan tape", view.NextChunk, submitted, err)
	}
	if out.Chunks <= view.NextChunk && (beforeN != view.LoansAdded || before != view.BalanceSoFar) {
		// Every chunk of the file was already on the ledger, or the pool
		// holds more: the same check as for a resumption.
		return nil, api.NewProblem(string(errs.Conflict), "pool %s already holds %d loans (%s) in %d chunks; this file's %d loans (%s) are not them",
			pool, view.LoansAdded, view.BalanceSoFar, view.NextChunk, beforeN, before)
	}
	out.MerkleRoot = merkle.Hex(tree.Root())
	if err := r.db.Update(func(tx *bbolt.Tx) error { return book.FinishTape(tx, pool, out.MerkleRoot, checked.Loans) }); err != nil {
		return nil, err
	}
	return out, nil
}

// chunkFailure is a chunk the ledger refused or that could not be submitted.
type chunkFailure struct {
	index int
	err   error
}

func (f chunkFailure) Error() string { return fmt.Sprintf("chunk %d: %v", f.index, f.err) }
func (f chunkFailure) Unwrap() error { return f.err }

// chunkError maps an error of the submission pass.
func chunkError(what string, firstChunk, submitted int, err error) error {
	if cf, ok := err.(chunkFailure); ok {
		return uploadError(what, cf.index, firstChunk+submitted, cf.err)
	}
	return uploadError(what, -1, 0, err)
}
