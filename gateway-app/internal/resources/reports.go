package resources

import (
	"errors"
	"slices"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/schema"
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload"
)

var reportParams = []api.Param{
	dealParam,
	{Name: "chunkSize", In: "query", Type: "integer", Pattern: `^[0-9]{1,4}$`, Description: "rows per Servicing:AddReportRows transaction (default 1024): a power of two up to 1024 sends chunks concurrently and completes the report with Servicing:CompleteReport; any other size, up to 2000, one after another"},
	inFlightParam,
	{Name: "servicerAdvances", In: "query", Description: "servicer advances for the period (default 0)", Pattern: `^[0-9]+(\.[0-9]{1,2})?$`},
	{Name: "cleanUpCall", In: "query", Type: "boolean", Description: "the servicer exercises the clean-up call", Enum: []string{"true", "false"}},
	{Name: "cleanUpProceeds", In: "query", Description: "proceeds of the clean-up call", Pattern: `^[0-9]+(\.[0-9]{1,2})?$`},
	{Name: "poolSaleAuction", In: "query", Description: "the liquidation auction that sold the pool: this report is the deal's last (with poolSaleProceeds)", Pattern: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`},
	{Name: "poolSaleProceeds", In: "query", Description: "the price the auction sold the pool for", Pattern: `^[0-9]+(\.[0-9]{1,2})?$`},
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
	api.Register(s, api.Endpoint[api.NoBody, upload.ReportUpload]{
		Method: "POST", Path: "/v1/deals/{deal}/reports", Tag: "reports", Status: 201, Roles: servicer,
		Summary: "Upload the servicer report of the deal's next period (CSV or EX-102 XML)",
		Description: "Streamed, never held in memory: the whole file is checked first, row by row (every loantape rule with the row's line, " +
			"the period, each loan against the pool and its last balance when this gateway's loan book matches the ledger, the control totals), " +
			"and a file with any bad row is refused (422 UPLOAD_INVALID: errors lists each row, field and rule) with nothing submitted. " +
			"Then the report opens with the rows' totals as the declared totals (Servicing:SubmitReport) and the rows follow in chunks " +
			"(Servicing:AddReportRows, rows in transient data, endorsed by the trustee and the servicer). If a chunk fails, upload the same file again: it resumes.",
		Params:    slices.Concat(reportParams, certificateParams),
		Upload:    &api.Upload{ContentTypes: upload.AcceptedContentTypes(), Description: "the monthly servicer report: EX-102 auto-loan asset data, one row per loan, as CSV or XML"},
		Chaincode: []string{"Servicing:GetStatus", "Deal:Get", "Pool:Get", "Servicing:GetReport", "Servicing:SubmitReport", "Servicing:AddReportRows", "Servicing:CompleteReport"},
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
func dealPool(c *api.Call, deal string) (*schema.Deal, *schema.PoolView, error) {
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
	p, err := decodeInto[schema.PoolView](res, "Pool:Get")
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

// reportRequest reads a report upload's query options.
func reportRequest(c *api.Call) (upload.ReportRequest, error) {
	var o upload.ReportRequest
	var err error
	if o.ChunkSize, err = queryInt(c, "chunkSize", upload.DefaultReportChunk, 1, upload.MaxReportChunk); err != nil {
		return o, err
	}
	for _, a := range []struct {
		name string
		dst  *money.Amount
	}{{"servicerAdvances", &o.Header.ServicerAdvances}, {"cleanUpProceeds", &o.Header.CleanUpProceeds}} {
		v, err := queryAmount(c, a.name)
		if err != nil {
			return o, err
		}
		if v != nil {
			*a.dst = *v
		}
	}
	o.Header.CleanUpCall = c.Query("cleanUpCall") == "true"
	if o.Header.PoolSale, err = poolSale(c); err != nil {
		return o, err
	}
	if o.Header.Certificate, err = certificateLines(c.Request.URL.Query()); err != nil {
		return o, err
	}
	ctl := &o.Control
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

func (r *resources) uploadReport(c *api.Call, _ *api.NoBody) (*upload.ReportUpload, error) {
	file, err := uploadFile(c)
	if err != nil {
		return nil, err
	}
	req, err := reportRequest(c)
	if err != nil {
		return nil, err
	}
	req.Deal, req.File = c.Path("deal"), file
	wf, err := r.workflowInFlight(c)
	if err != nil {
		return nil, err
	}
	out, err := wf.Report(req)
	if err != nil {
		return nil, uploadError("servicer report", err)
	}
	return out, nil
}

// poolSale reads a report's declared liquidation sale: both the auction
// and its proceeds, or neither.
func poolSale(c *api.Call) (*schema.PoolSale, error) {
	proceeds, err := queryAmount(c, "poolSaleProceeds")
	if err != nil {
		return nil, err
	}
	auction := c.Query("poolSaleAuction")
	switch {
	case auction == "" && proceeds == nil:
		return nil, nil
	case auction == "" || proceeds == nil:
		return nil, errs.Field("poolSaleAuction", "a pool sale needs both poolSaleAuction and poolSaleProceeds")
	}
	return &schema.PoolSale{Auction: auction, Proceeds: *proceeds}, nil
}
