package projections

import (
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/tranchenet/tranchenet/gateway-app/internal/events"
	"github.com/tranchenet/tranchenet/gateway-app/internal/readmodel"
)

// bucketReports is the servicer reports' history: deal 0 period(4) 0
// position → ReportEvent. Reports are public: every bank keeps all.
const bucketReports = "rm.reports"

// ReportEvent is one step of a servicer report or its certification.
type ReportEvent struct {
	Stamp
	Deal       string `json:"deal"`
	Period     int    `json:"period"`
	Attempt    int    `json:"attempt,omitempty"`
	Chunk      *int   `json:"chunk,omitempty" doc:"ReportRowsAdded: the chunk's index"`
	Chunks     int    `json:"chunks,omitempty" doc:"ReportSubmitted: chunks announced"`
	Rows       int    `json:"rows,omitempty" doc:"ReportRowsAdded: rows in the chunk"`
	LoanCount  int    `json:"loanCount,omitempty" doc:"ReportCompleted: rows of the report"`
	MerkleRoot string `json:"merkleRoot,omitempty"`
	Reason     string `json:"reason,omitempty" doc:"ReportWithdrawn"`
	ResultHash string `json:"resultHash,omitempty" doc:"PeriodCertified"`
}

func applyReport(tx *bbolt.Tx, ev events.Event) error {
	pl, err := decode(ev)
	if err != nil || pl.Deal == "" {
		return nil // not the shape this gateway knows; the event log keeps it
	}
	re := ReportEvent{Stamp: stampOf(ev), Deal: pl.Deal, Period: pl.Period, Attempt: pl.Attempt, Chunks: pl.Chunks, Rows: pl.Rows,
		LoanCount: pl.LoanCount, MerkleRoot: pl.MerkleRoot, Reason: pl.Reason, ResultHash: pl.ResultHash}
	if ev.Name == "ReportRowsAdded" {
		c := pl.Chunk
		re.Chunk = &c
	}
	return putReportEvent(tx, ev, re)
}

func putReportEvent(tx *bbolt.Tx, ev events.Event, re ReportEvent) error {
	b, err := readmodel.Bucket(tx, bucketReports)
	if err != nil {
		return err
	}
	return readmodel.PutJSON(b, append(key(re.Deal, periodKey(re.Period), ""), posKey(ev)...), re)
}

func periodKey(p int) string { return fmt.Sprintf("%04d", p) }

// ReportHistory lists a deal's report events in ledger order (by period,
// then chain position).
func ReportHistory(tx *bbolt.Tx, deal string) ([]ReportEvent, error) {
	out := []ReportEvent{}
	err := scanPrefix(tx, bucketReports, key(deal, ""), func(v []byte) error {
		var e ReportEvent
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}
