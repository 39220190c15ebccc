package resources

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload"
)

// What the tape and report uploads share: the spooled file, its format,
// the query options, and the problems they answer with.

// uploadFile returns the spooled file, to open for each pass, and its format.
func uploadFile(c *api.Call) (upload.File, error) {
	sp := c.Upload()
	f, err := upload.FormatOf(sp.ContentType)
	if err != nil {
		return upload.File{}, api.NewProblem(api.CodeUnsupportedMediaType, "%v", err)
	}
	return upload.File{Open: func() (io.ReadCloser, error) { return sp.Open() }, Format: f}, nil
}

// workflow is the upload workflow as the call's user.
func (r *resources) workflow(c *api.Call) upload.Workflow {
	return upload.Workflow{Ledger: callLedger{c}, Book: r.store, MSP: c.MSPID(), RetryWait: uploadRetryWait}
}

// uploadRetryWait is the pause between a chunk's attempts (nil: the
// upload's own backoff); the package's tests make it instant.
var uploadRetryWait func(n int) time.Duration

// inFlightParam is the upload endpoints' option of chunks in flight.
var inFlightParam = api.Param{Name: "inFlight", In: "query", Type: "integer", Pattern: `^[0-9]{1,2}$`,
	Description: fmt.Sprintf("chunks of a power-of-two size submitted at once, 1 to %d (default %d); 1 sends them one after another", upload.MaxInFlight, upload.DefaultInFlight)}

// workflowInFlight is workflow with the request's inFlight option.
func (r *resources) workflowInFlight(c *api.Call) (upload.Workflow, error) {
	wf := r.workflow(c)
	var err error
	wf.InFlight, err = queryInt(c, "inFlight", upload.DefaultInFlight, 1, upload.MaxInFlight)
	return wf, err
}

// callLedger is the upload workflow's Submitter over an API call: it reads
// and submits as the call's user, endorsed as the endorsement table says.
type callLedger struct{ c *api.Call }

func (l callLedger) Pool(id string) (schema.Pool, upload.TapeProgress, error) {
	res, err := l.c.Ask("Pool:Get", id)
	if err != nil {
		return schema.Pool{}, upload.TapeProgress{}, err
	}
	v, err := decodeInto[schema.PoolView](res, "Pool:Get")
	if err != nil {
		return schema.Pool{}, upload.TapeProgress{}, err
	}
	return v.Pool, upload.TapeProgress{NextChunk: v.NextChunk, LoansAdded: v.LoansAdded, BalanceSoFar: v.BalanceSoFar, Chunks: v.Chunks}, nil
}

func (l callLedger) DealPool(deal string) (schema.Pool, error) {
	_, p, err := dealPool(l.c, deal)
	if err != nil {
		return schema.Pool{}, err
	}
	return p.Pool, nil
}

func (l callLedger) Servicing(deal string) (schema.DealServicing, error) {
	res, err := l.c.Ask("Servicing:GetStatus", deal)
	if err != nil {
		return schema.DealServicing{}, err
	}
	svc, err := decodeInto[schema.DealServicing](res, "Servicing:GetStatus")
	if err != nil {
		return schema.DealServicing{}, err
	}
	return *svc, nil
}

func (l callLedger) Report(deal string, period int) (*schema.Report, bool, error) {
	return reportOf(l.c, deal, period)
}

func (l callLedger) Submit(tx ledger.Tx, party string) (ledger.Result, error) {
	return l.c.SubmitFn(tx, party)
}

// refusedProblem answers a refused file: 422 UPLOAD_INVALID listing every
// bad row (line, loan, field, rule), the first one in row and field.
func refusedProblem(what string, r *upload.Refused) *api.Problem {
	p := api.NewProblem(api.CodeUploadInvalid, "%s: %d error(s), nothing was submitted; the first: %s", what, len(r.Errors), r.Errors[0].Error())
	p.Limited = r.Limited
	for _, e := range r.Errors {
		p.Errors = append(p.Errors, api.RowProblem{Row: e.Line, AssetNumber: e.AssetNumber, Field: e.Field, Rule: e.Rule, Detail: e.Msg})
	}
	p.Row, p.Field = r.Errors[0].Line, r.Errors[0].Field
	return p
}

// uploadError maps an upload workflow error: a refused file, or a failed
// chunk that left other chunks on the ledger (the same file uploaded
// again submits only the missing ones). Anything else is answered as any
// handler error is.
func uploadError(what string, err error) error {
	var refused *upload.Refused
	if errors.As(err, &refused) {
		return refusedProblem(what, refused)
	}
	var ce *upload.ChunkError
	if !errors.As(err, &ce) {
		return err
	}
	p := problemOf(ce.Err)
	p.Detail = fmt.Sprintf("chunk %d: %s (chunks of this file on the ledger: %d; upload the same file again to submit the rest)", ce.Index, p.Detail, ce.Committed)
	return p
}

// problemOf turns any error into the problem the API would answer with.
func problemOf(err error) *api.Problem {
	var p *api.Problem
	if errors.As(err, &p) {
		cp := *p
		return &cp
	}
	return api.ProblemFrom(err)
}

// queryInt reads an optional integer query parameter within [lo, hi].
func queryInt(c *api.Call, name string, def, lo, hi int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, api.BadInput(name, "want a whole number from %d to %d, got %q", lo, hi, v)
	}
	return n, nil
}

// queryIntPtr reads an optional non-negative count.
func queryIntPtr(c *api.Call, name string) (*int, error) {
	if c.Query(name) == "" {
		return nil, nil
	}
	n, err := queryInt(c, name, 0, 0, 1<<31-1)
	return &n, err
}

// queryAmount reads an optional amount query parameter.
func queryAmount(c *api.Call, name string) (*money.Amount, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	a, err := money.Parse(v)
	if err != nil {
		return nil, api.BadInput(name, "%v", err)
	}
	return &a, nil
}

// controlParam documents a control total query parameter: an amount or a
// count.
func controlParam(name, description string, amount bool) api.Param {
	p := api.Param{Name: name, In: "query", Description: description}
	if amount {
		p.Pattern = `^-?[0-9]+(\.[0-9]{1,8})?$`
	} else {
		p.Type, p.Pattern = "integer", `^[0-9]{1,10}$`
	}
	return p
}
