package projections

import (
	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/store"
)

func applyReport(w store.Writer, ev events.Event) error {
	pl, err := decode(ev)
	if err != nil || pl.Deal == "" {
		return nil // not the shape this gateway knows; the event log keeps it
	}
	re := store.ReportEvent{Stamp: stampOf(ev), Deal: pl.Deal, Period: pl.Period, Attempt: pl.Attempt, Chunks: pl.Chunks, Rows: pl.Rows,
		LoanCount: pl.LoanCount, MerkleRoot: pl.MerkleRoot, Reason: pl.Reason, ResultHash: pl.ResultHash}
	if ev.Name == "ReportRowsAdded" {
		c := pl.Chunk
		re.Chunk = &c
	}
	return w.PutReportEvent(re, position(ev))
}
