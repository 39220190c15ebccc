package resources

import (
	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
	"github.com/tranchenet/tranchenet/gateway-app/internal/upload"
)

var tapeParams = []api.Param{
	poolParam,
	{Name: "chunkSize", In: "query", Type: "integer", Pattern: `^[0-9]{1,4}$`, Description: "loans per Pool:AddLoans transaction (default 512): a power of two up to 1024 sends chunks concurrently; any other size, up to 1000, one after another"},
	inFlightParam,
	controlParam("loanCount", "control total: the number of loans the file must hold", false),
	controlParam("balance", "control total: the cut-off balance the loans must add up to", true),
}

func (r *resources) tapes(s *api.Server) {
	api.Register(s, api.Endpoint[api.NoBody, upload.TapeUpload]{
		Method: "PUT", Path: "/v1/pools/{pool}/loans", Tag: "pools", Roles: servicer,
		Summary: "Upload a pool's loan tape (CSV or EX-102 XML)",
		Description: "The file is checked whole first, row by row (every loantape rule, with the line of each bad row), " +
			"against the pool's cut-off date and the optional control totals; a file with any bad row is refused (422 UPLOAD_INVALID, " +
			"errors lists each row, field and rule) and nothing is submitted. Then it is submitted in chunks (Pool:AddLoans, loans in " +
			"transient data, endorsed by the trustee and the servicer), several at once when the chunk size is a power of two, " +
			"and then Pool:CheckTape has the chaincode check that no loan is in two chunks (Seal requires it of such a tape). If a chunk fails, " +
			"the chunks already in stay on the ledger: uploading the same file again submits only the missing ones. Seal the pool afterwards.",
		Params: tapeParams,
		Upload: &api.Upload{ContentTypes: upload.AcceptedContentTypes(), Description: "the loan tape: EX-102 auto-loan asset data as CSV (header row of element names) or XML (assetData)",
			Resumable: true},
		Chaincode: []string{"Pool:Get", "Pool:AddLoans", "Pool:CheckTape"},
		Handle:    r.uploadTape,
	})
}

func (r *resources) uploadTape(c *api.Call, _ *api.NoBody) (*upload.TapeUpload, error) {
	file, err := uploadFile(c)
	if err != nil {
		return nil, err
	}
	req := upload.TapeRequest{Pool: c.Path("pool"), File: file}
	if req.ChunkSize, err = queryInt(c, "chunkSize", upload.DefaultTapeChunk, 1, upload.MaxTapeChunk); err != nil {
		return nil, err
	}
	wf, err := r.workflowInFlight(c)
	if err != nil {
		return nil, err
	}
	if req.Control.LoanCount, err = queryIntPtr(c, "loanCount"); err != nil {
		return nil, err
	}
	if req.Control.Balance, err = queryAmount(c, "balance"); err != nil {
		return nil, err
	}
	out, err := wf.Tape(req)
	if err != nil {
		return nil, uploadError("loan tape", err)
	}
	return out, nil
}
