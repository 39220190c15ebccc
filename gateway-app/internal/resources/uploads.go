package resources

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload"
)

// What the tape and report uploads share: the spooled file, its format,
// the query options, and the problems they answer with.

// uploadFile returns the spooled file's opener and format.
func uploadFile(c *api.Call) (upload.Opener, upload.Format, error) {
	sp := c.Upload()
	f, err := upload.FormatOf(sp.ContentType)
	if err != nil {
		return nil, "", api.NewProblem(api.CodeUnsupportedMediaType, "%v", err)
	}
	return func() (io.ReadCloser, error) { return sp.Open() }, f, nil
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

// uploadError maps a pipeline error: a refused file, or a failure that
// left chunks before index on the ledger (the same file uploaded again
// resumes after them).
func uploadError(what string, chunk, committedChunks int, err error) error {
	var refused *upload.Refused
	if errors.As(err, &refused) {
		return refusedProblem(what, refused)
	}
	var p *api.Problem
	if errors.As(err, &p) {
		return p
	}
	if chunk < 0 {
		return err
	}
	p = problemOf(err)
	p.Detail = fmt.Sprintf("chunk %d: %s (chunks before it are on the ledger: %d; upload the same file again to resume after them)", chunk, p.Detail, committedChunks)
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

// wrongState is the chaincode's WRONG_STATE refusal, answered by the
// gateway before it submits anything.
func wrongState(format string, args ...any) *api.Problem {
	return api.NewProblem(string(errs.WrongState), format, args...)
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
