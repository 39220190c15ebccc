package upload

import (
	"errors"
	"strconv"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/merkle"
	"github.com/tranchenet/tranchenet/gateway-app/internal/ledger"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

// reportInFlight is the submission pass of a report whose header declares
// its chunk size: every chunk is submitted, up to InFlight at once; one
// the ledger already holds (an earlier upload of the same file stopped
// half-way) is refused ALREADY_EXISTS and counts as in. Once all are in,
// Servicing:CompleteReport checks each is there exactly once, reconciles
// the totals and publishes the root, which must be the gateway's.
func (w Workflow) reportInFlight(req ReportRequest, poolID string, p, size int, expected loantape.Period, out *ReportUpload) (*ReportUpload, error) {
	var tree merkle.Builder
	fl := newFlight(w.InFlight)
	period := strconv.Itoa(p)
	alreadyIn := 0
	err := ReportChunks(req.File.Open, req.File.Format, expected, size, 0, func(ch loantape.ReportChunk) error {
		for _, row := range ch.Rows {
			tree.Add(merkle.LeafHash(row.Canonical()))
		}
		body, err := canon.Marshal(ch)
		if err != nil {
			return err
		}
		tx := ledger.Tx{Fn: "Servicing:AddReportRows", Args: []string{req.Deal, period}, Transient: map[string][]byte{"chunk": body}}
		rows := ch.Rows
		return fl.submit(ch.Index, func() (string, error) {
			res, err := w.submitChunk(tx)
			var le *ledger.Error
			if errors.As(err, &le) && le.Code == errs.AlreadyExists {
				fl.mu.Lock()
				alreadyIn++
				fl.mu.Unlock()
			} else if err != nil {
				return "", err
			}
			return res.TxID, w.Book.Update(func(b store.Writer) error { return b.PutReportRows(poolID, p, rows) })
		})
	})
	failed := fl.wait()
	out.Transactions = append(out.Transactions, fl.transactions(out.Chunks)...)
	if failed != nil && (err == nil || err == errStopped) {
		err = failed
	}
	if err != nil {
		if cf, ok := err.(chunkFailed); ok {
			return nil, &ChunkError{Index: cf.index, Committed: alreadyIn + fl.submitted, Err: cf.err}
		}
		return nil, err
	}
	out.ResumedAt = 0
	if alreadyIn > 0 {
		out.ResumedAt = alreadyIn // chunks an earlier upload left on the ledger
	}
	res, err := w.Ledger.Submit(ledger.Tx{Fn: "Servicing:CompleteReport", Args: []string{req.Deal, period}}, w.MSP)
	if err != nil {
		return nil, err
	}
	out.Transactions = append(out.Transactions, res.TxID)
	return w.finishReport(req.Deal, poolID, p, tree.Root(), out)
}
