package resources

import (
	"bytes"
	"errors"
	"slices"
	"strconv"

	"go.etcd.io/bbolt"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/distribution"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/readmodel"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload"
)

// maxReportChunk is Servicing:AddReportRows' limit of rows per chunk.
const maxReportChunk = 2000

// ReportUpload is what a servicer report upload did.
type ReportUpload struct {
	Deal    string              `json:"deal"`
	Period  int                 `json:"period"`
	Attempt int                 `json:"attempt"`
	Status  schema.ReportStatus `json:"status" doc:"complete once every chunk is in and reconciled: ready to certify"`
	Rows    int                 `json:"rows"`
	Chunks  int                 `json:"chunks" doc:"Servicing:AddReportRows transactions holding the rows"`
	// ResumedAt is the first chunk this upload submitted: 0, unless an
	// earlier upload of the same file stopped half-way.
	ResumedAt  int                       `json:"resumedAt"`
	Aggregates loantape.ReportAggregates `json:"aggregates" doc:"the declared totals: the sums of the rows"`
	MerkleRoot string                    `json:"merkleRoot" doc:"the root of the rows the ledger published, equal to the one the gateway computed"`
	// LoansChecked says whether the gateway checked every row's loan and
	// beginning balance against its loan book before submitting (it can
	// when it uploaded the tape and the previous report itself); otherwise
	// the chaincode checks them chunk by chunk.
	LoansChecked   bool     `json:"loansChecked" doc:"the gateway checked each row's loan and beginning balance before submitting; otherwise the chaincode does, chunk by chunk"`
	IgnoredColumns []string `json:"ignoredColumns,omitempty"`
	Transactions   []string `json:"transactions" doc:"transaction IDs: the report's opening, then each chunk"`
}

var reportParams = []api.Param{
	dealParam,
	{Name: "chunkSize", In: "query", Type: "integer", Pattern: `^[0-9]{1,4}$`, Description: "rows per Servicing:AddReportRows transaction, 1 to 2000 (default 2000)"},
	{Name: "servicerAdvances", In: "query", Description: "servicer advances for the period (default 0)", Pattern: `^[0-9]+(\.[0-9]{1,2})?$`},
	{Name: "cleanUpCall", In: "query", Type: "boolean", Description: "the servicer exercises the clean-up call", Enum: []string{"true", "false"}},
	{Name: "cleanUpProceeds", In: "query", Description: "proceeds of the clean-up call", Pattern: `^[0-9]+(\.[0-9]{1,2})?$`},
	controlParam("loanCount", "control total: rows the file must hold", false),
	controlParam("beginningBalance", "control total: Σ beginning balances", true),
	controlParam("endingBalance", "control total: Σ ending balances", true),
	controlParam("totalCollected", "control total: Σ totalActualAmountPaid", true),
	controlParam("interestCollected", "control total: Σ interest collected", true),
	controlParam("principalCollected", "control total: Σ principal collected", true),
	controlParam("chargedOffPrincipal", "control total: Σ charged-off principal", true),
	controlParam("recoveries", "control total: Σ recoveries", true),
}

func (r *resources) reports(s *api.Server) {
	period := "/v1/deals/{deal}/periods/{period}"
	api.Register(s, api.Endpoint[api.NoBody, ReportUpload]{
		Method: "POST", Path: "/v1/deals/{deal}/reports", Tag: "reports", Status: 201, Roles: servicer,
		Summary: "Upload the servicer report of the deal's next period (CSV or EX-102 XML)",
		Description: "Streamed, never held in memory: the whole file is checked first, row by row (every loantape rule with the row's line, " +
			"the period, each loan against the pool and its last balance when this gateway's loan book matches the ledger, the control totals), " +
			"and a file with any bad row is refused (422 UPLOAD_INVALID: errors lists each row, field and rule) with nothing submitted. " +
			"Then the report opens with the rows' totals as the declared totals (Servicing:SubmitReport) and the rows follow in chunks " +
			"(Servicing:AddReportRows, rows in transient data, endorsed by the trustee and the servicer). If a chunk fails, upload the same file again: it resumes.",
		Params:    slices.Concat(reportParams, certificateParams),
		Upload:    &api.Upload{ContentTypes: upload.AcceptedContentTypes(), Description: "the monthly servicer report: EX-102 auto-loan asset data, one row per loan, as CSV or XML"},
		Chaincode: []string{"Servicing:GetStatus", "Deal:Get", "Pool:Get", "Servicing:GetReport", "Servicing:SubmitReport", "Servicing:AddReportRows"},
		Handle:    r.uploadReport,
	})
	api.Register(s, api.Endpoint[api.NoBody, schema.Report]{
		Method: "GET", Path: period + "/report", Tag: "reports", Roles: anyRole,
		Summary: "A period's servicer report record", Description: "Declared totals, the sums of the rows received, the Merkle root, status.",
		Params: []api.Param{dealParam, periodParam},
		Tx: &api.Tx[api.NoBody]{Fn: "Servicing:GetReport",
			Args: func(c *api.Call, _ *api.NoBody) ([]string, error) {
				return []string{c.Path("deal"), c.Path("period")}, nil
			}},
	})
	api.Register(s, api.Endpoint[ReasonInput, Committed]{
		Method: "POST", Path: period + "/report/withdrawal", Tag: "reports", Roles: []roles.Role{roles.Servicer, roles.Trustee},
		Summary:     "Withdraw an uncertified report",
		Description: "The servicer may then submit the period again (a new attempt).",
		Params:      []api.Param{dealParam, periodParam},
		Tx: &api.Tx[ReasonInput]{Fn: "Servicing:WithdrawReport", Submit: true,
			Args: func(c *api.Call, in *ReasonInput) ([]string, error) {
				return []string{c.Path("deal"), c.Path("period"), in.Reason}, nil
			},
			Party: func(c *api.Call, _ *ReasonInput) (string, error) {
				_, pool, err := dealPool(c, c.Path("deal"))
				return pool.Pool.Servicer, err
			}},
		Result: done[ReasonInput],
	})
}

// dealPool reads a deal and its pool.
func dealPool(c *api.Call, deal string) (*schema.Deal, *PoolView, error) {
	res, err := c.Ask("Deal:Get", deal)
	if err != nil {
		return nil, nil, err
	}
	d, err := decodeInto[schema.Deal](res, "Deal:Get")
	if err != nil {
		return nil, nil, err
	}
	if res, err = c.Ask("Pool:Get", d.Pool); err != nil {
		return nil, nil, err
	}
	p, err := decodeInto[PoolView](res, "Pool:Get")
	return d, p, err
}

// reportOf reads a period's report; found is false when there is none.
func reportOf(c *api.Call, deal string, period int) (*schema.Report, bool, error) {
	res, err := c.Ask("Servicing:GetReport", deal, strconv.Itoa(period))
	if err != nil {
		var le *ledger.Error
		if errors.As(err, &le) && le.Code == errs.NotFound {
			return nil, false, nil
		}
		return nil, false, err
	}
	rep, err := decodeInto[schema.Report](res, "Servicing:GetReport")
	return rep, err == nil, err
}

// reportOptions are the query options of a report upload.
type reportOptions struct {
	size    int
	header  schema.ReportHeader
	control upload.ReportControl
}

func parseReportOptions(c *api.Call) (reportOptions, error) {
	var o reportOptions
	var err error
	if o.size, err = queryInt(c, "chunkSize", maxReportChunk, 1, maxReportChunk); err != nil {
		return o, err
	}
	for _, a := range []struct {
		name string
		dst  *money.Amount
	}{{"servicerAdvances", &o.header.ServicerAdvances}, {"cleanUpProceeds", &o.header.CleanUpProceeds}} {
		v, err := queryAmount(c, a.name)
		if err != nil {
			return o, err
		}
		if v != nil {
			*a.dst = *v
		}
	}
	o.header.CleanUpCall = c.Query("cleanUpCall") == "true"
	if o.header.Certificate, err = certificateLines(c.Request.URL.Query()); err != nil {
		return o, err
	}
	ctl := &o.control
	if ctl.LoanCount, err = queryIntPtr(c, "loanCount"); err != nil {
		return o, err
	}
	for _, a := range []struct {
		name string
		dst  **money.Amount
	}{
		{"beginningBalance", &ctl.BeginningBalance}, {"endingBalance", &ctl.EndingBalance}, {"totalCollected", &ctl.TotalCollected},
		{"interestCollected", &ctl.InterestCollected}, {"principalCollected", &ctl.PrincipalCollected},
		{"chargedOffPrincipal", &ctl.ChargedOffPrincipal}, {"recoveries", &ctl.Recoveries},
	} {
		if *a.dst, err = queryAmount(c, a.name); err != nil {
			return o, err
		}
	}
	return o, nil
}

func (r *resources) uploadReport(c *api.Call, _ *api.NoBody) (*ReportUpload, error) {
	open, format, err := uploadFile(c)
	if err != nil {
		return nil, err
	}
	opts, err := parseReportOptions(c)
	if err != nil {
		return nil, err
	}
	deal := c.Path("deal")
	res, err := c.Ask("Servicing:GetStatus", deal)
	if err != nil {
		return nil, err
	}
	svc, err := decodeInto[schema.DealServicing](res, "Servicing:GetStatus")
	if err != nil {
		return nil, err
	}
	_, pool, err := dealPool(c, deal)
	if err != nil {
		return nil, err
	}
	if pool.Pool.Servicer != c.MSPID() {
		return nil, api.NewProblem(api.CodeForbidden, "pool %s is serviced by %s; a servicer of %s may not report on it", pool.Pool.ID, pool.Pool.Servicer, c.MSPID())
	}
	p := svc.Period + 1
	cutoff, err := loantape.ParseDate(pool.Pool.CutoffDate)
	if err != nil {
		return nil, err
	}
	expected := loantape.MonthlyPeriod(p, cutoff.YearMonth().AddMonths(p))
	existing, found, err := reportOf(c, deal, p)
	if err != nil {
		return nil, err
	}
	if found && existing.Status == schema.ReportComplete {
		return nil, wrongState("deal %s period %d: report attempt %d is complete; withdraw it before submitting another", deal, p, existing.Attempt)
	}

	// Pass 1: every row, checked against the loan book when it matches
	// the ledger.
	lookup, finish, err := r.loanLookup(c, deal, pool, p)
	if err != nil {
		return nil, err
	}
	checked, err := upload.CheckReport(open, format, upload.ReportRules{Period: expected, Lookup: lookup, Control: opts.control})
	if ferr := finish(); ferr != nil {
		return nil, ferr // the loan book could not be read: its verdicts are not to be trusted
	}
	if err != nil {
		return nil, uploadError("servicer report", -1, 0, err)
	}
	header := opts.header
	header.Aggregates, header.Chunks = checked.Aggregates, upload.Chunks(checked.Rows, opts.size)
	if err := distribution.CheckDeclared(header.Aggregates, expected, svc.State.PoolBalance); err != nil {
		var e *errs.Error
		if errors.As(err, &e) {
			return nil, refusedProblem("servicer report", &upload.Refused{Errors: []*loantape.RowError{{Field: e.Field, Rule: loantape.RuleTotals, Msg: e.Msg}}})
		}
		return nil, err
	}
	headerJSON, err := canon.Marshal(header)
	if err != nil {
		return nil, err
	}

	out := &ReportUpload{Deal: deal, Period: p, Rows: checked.Rows, Chunks: header.Chunks, Aggregates: checked.Aggregates,
		LoansChecked: lookup != nil, IgnoredColumns: checked.IgnoredColumns, Transactions: []string{}}
	first := 0
	if found && existing.Status == schema.ReportOpen {
		// An earlier upload stopped half-way: resume if it is this file.
		was, err := canon.Marshal(existing.Header)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(was, headerJSON) {
			return nil, api.NewProblem(string(errs.Conflict), "deal %s period %d: report attempt %d is open with other totals (%d of %d chunks in); withdraw it, or upload the file it came from to resume",
				deal, p, existing.Attempt, existing.ChunksReceived, existing.Header.Chunks)
		}
		first = existing.ChunksReceived
	} else {
		res, err := c.SubmitFn(ledger.Tx{Fn: "Servicing:SubmitReport", Args: []string{deal, string(headerJSON)}}, "")
		if err != nil {
			return nil, err
		}
		out.Transactions = append(out.Transactions, res.TxID)
	}
	out.ResumedAt = first

	// Pass 2: the chunks, each committed before the next.
	var tree merkle.Builder
	book := readmodel.LoanBook{}
	submitted := 0
	err = upload.ReportChunks(open, format, expected, opts.size, 0, func(ch loantape.ReportChunk) error {
		for _, row := range ch.Rows {
			tree.Add(merkle.LeafHash(row.Canonical()))
		}
		if ch.Index >= first {
			chunk, err := canon.Marshal(ch)
			if err != nil {
				return err
			}
			res, err := c.SubmitFn(ledger.Tx{Fn: "Servicing:AddReportRows", Args: []string{deal, strconv.Itoa(p)},
				Transient: map[string][]byte{"chunk": chunk}}, c.MSPID())
			if err != nil {
				return chunkFailure{index: ch.Index, err: err}
			}
			submitted++
			out.Transactions = append(out.Transactions, res.TxID)
		}
		return r.db.Update(func(tx *bbolt.Tx) error { return book.PutReportRows(tx, pool.Pool.ID, p, ch.Rows) })
	})
	if err != nil {
		return nil, chunkError("servicer report", first, submitted, err)
	}
	final, found, err := reportOf(c, deal, p)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, api.NewProblem(api.CodePeerError, "deal %s period %d: the report is not on the ledger after its chunks committed", deal, p)
	}
	out.Attempt, out.Status, out.MerkleRoot = final.Attempt, final.Status, final.MerkleRoot
	if root := merkle.Hex(tree.Root()); final.Status == schema.ReportComplete && root != final.MerkleRoot {
		return nil, api.NewProblem(api.CodeInternal, "deal %s period %d: the ledger's Merkle root %s differs from the gateway's %s", deal, p, final.MerkleRoot, root)
	}
	if final.Status == schema.ReportComplete {
		err = r.db.Update(func(tx *bbolt.Tx) error { return book.FinishReport(tx, pool.Pool.ID, p, final.MerkleRoot) })
	}
	return out, err
}

// loanLookup returns the loan book's lookup for a report of period when
// the book provably matches the ledger (same tape root, same root of the
// previous report), with the function that ends its read transaction and
// reports a failure to read the book; a nil lookup leaves the loan checks
// to the chaincode.
func (r *resources) loanLookup(c *api.Call, deal string, pool *PoolView, period int) (func(string) (loantape.PriorLoan, bool), func() error, error) {
	previousRoot := ""
	if period > 1 {
		prev, found, err := reportOf(c, deal, period-1)
		if err != nil {
			return nil, nil, err
		}
		if found {
			previousRoot = prev.MerkleRoot
		}
	}
	tx, err := r.db.Begin(false)
	if err != nil {
		return nil, nil, err
	}
	book := readmodel.LoanBook{}
	synced, err := book.Synced(tx, pool.Pool.ID, period, pool.Pool.MerkleRoot, previousRoot)
	if err != nil || !synced {
		tx.Rollback()
		return nil, func() error { return nil }, err
	}
	var lookupErr error
	lookup := func(asset string) (loantape.PriorLoan, bool) {
		prior, ok, err := book.Prior(tx, pool.Pool.ID, period, asset)
		if err != nil && lookupErr == nil {
			lookupErr = err
		}
		return prior, ok
	}
	return lookup, func() error { tx.Rollback(); return lookupErr }, nil
}
