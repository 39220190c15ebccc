package upload

import (
	"io"

	"github.com/tranchenet/tranchenet/chaincode/core/assetclass"
	"github.com/tranchenet/tranchenet/chaincode/core/loantape"
	"github.com/tranchenet/tranchenet/chaincode/core/mortgage"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Residential mortgage pools (assetclass.Mortgage) upload Schedule AL
// residential CSV files (classrows.go): the tape as the rows themselves, a
// report checked with the mortgage rules and projected onto the common
// report rows.

// isMortgage reports whether the pool holds residential mortgages.
func isMortgage(p schema.Pool) bool { return assetclass.Class(p.AssetClass) == assetclass.Mortgage }

var mortgageFiles = rowFiles[mortgage.ALRow]{
	what: "Schedule AL CSV",
	read: func(r io.Reader) rowReader[mortgage.ALRow] { return mortgage.NewALReader(r) },
	checkTape: func(r io.Reader, cutoff loantape.Date) (loantape.TapeAggregates, []string, error) {
		rd := mortgage.NewALReader(r)
		agg, err := mortgage.ValidateTape(rd, mortgage.TapeRules{Cutoff: cutoff, MaxErrors: DefaultMaxErrors})
		return agg, rd.IgnoredColumns(), err
	},
	checkReport: func(r io.Reader, period loantape.Period) error {
		_, err := mortgage.ValidateReport(mortgage.NewALReader(r), mortgage.ReportRules{Period: period, MaxErrors: DefaultMaxErrors})
		return err
	},
}

// mortgageTape uploads a Schedule AL tape.
func (w Workflow) mortgageTape(req TapeRequest, size int, progress TapeProgress, cutoff loantape.Date) (*TapeUpload, error) {
	return rowsTape(w, mortgageFiles, req, size, progress, cutoff)
}

// mortgageReportFile checks a Schedule AL servicer report with the
// mortgage rules (roll-forward with curtailments and liquidations, payoffs,
// zero-balance codes, the loss identity) and returns it as common rows.
func mortgageReportFile(f File, period loantape.Period) (File, error) {
	return rowsReportFile(mortgageFiles, f, period)
}
