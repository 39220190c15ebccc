package testnetwork

import (
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
)

// monthReport is a month's servicer report as the chaincode takes it: the
// rows' aggregates and the rows cut into chunks of chunkSize (file lines
// from 2, after a header).
func monthReport(t *testing.T, p loantape.Period, rows []loantape.PeriodRow, chunkSize int) (loantape.ReportAggregates, []loantape.ReportChunk) {
	t.Helper()
	agg := loantape.NewReportAggregator(p)
	for _, r := range rows {
		if err := agg.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	var chunks []loantape.ReportChunk
	for c, err := range loantape.ReportChunks(loantape.NewSliceSource(rows, 2), chunkSize, p) {
		if err != nil {
			t.Fatal(err)
		}
		chunks = append(chunks, c)
	}
	return agg.Aggregates(), chunks
}
