package schema

import (
	"fmt"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
)

// A loan tape added in chunks of a declared size keeps each chunk's loans
// as one private value instead of one private key a loan (issue 17). The
// records yardstick measured why: Fabric handles private data per key, so
// 100,000 loans as 100,000 keys took 230 s with no check at all, and as
// one value a 512-loan chunk 52 s. Nothing is then keyed by asset number,
// so:
//   - a loan is found through its chunk's index (asset numbers in leaf
//     order, with their cut-off balances, which a first report checks
//     against);
//   - a loan in two chunks is caught by Pool:CheckTape, which reads every
//     chunk's index, and a tape must be checked before Pool:Seal
//     publishes it (Seal itself reads only public state, so any majority
//     can endorse it).

// Composite-key object types of a tape kept a chunk to a value.
const (
	// TypeLoanChunk: loanchunk~<poolID>~<chunk, 8 digits>, loanTape:
	// TapeLoanChunk, the chunk's loans in leaf order.
	TypeLoanChunk = "loanchunk"
	// TypeLoanIndex: loanindex~<poolID>~<chunk, 8 digits>, loanTape:
	// TapeIndex, the chunk's asset numbers and cut-off balances.
	TypeLoanIndex = "loanindex"
	// TypePoolTapeCheck: pooltapecheck~<poolID>, public: TapeCheck.
	// Key-level policy trustee AND the pool's servicer: only the loanTape
	// members' peers, which read the indexes, can write it.
	TypePoolTapeCheck = "pooltapecheck"
)

// TapeLoanChunk is one chunk's loans, in leaf order from FirstIndex.
type TapeLoanChunk struct {
	FirstIndex int        `json:"firstIndex"`
	Loans      []TapeLoan `json:"loans"`
}

// TapeIndex is what a report and a lookup need of one chunk without its
// loans: Assets[i] is leaf FirstIndex+i, Balances[i] its cut-off ending
// balance.
type TapeIndex struct {
	FirstIndex int            `json:"firstIndex"`
	Assets     []string       `json:"assets"`
	Balances   []money.Amount `json:"balances"`
}

// TapeCheck records that a tape's chunks, as they stood, hold no asset
// number twice: Seal publishes the tape only if its chunks still give
// this count and root.
type TapeCheck struct {
	Pool      string `json:"pool"`
	Chunks    int    `json:"chunks"`
	ChunkSize int    `json:"chunkSize"`
	Loans     int    `json:"loans"`
	Root      string `json:"root"`
	Tx        string `json:"tx"`
}

// ChunkNo is a chunk's number as the last attribute of its keys: eight
// digits, so a range over a pool's chunks comes back in chunk order.
func ChunkNo(chunk int) string { return fmt.Sprintf("%08d", chunk) }

// A pool whose tape is kept a chunk to a value is reported the same way:
// no record a loan (what LoanPerformance is for a tape added in order),
// but each report chunk's index beside its rows. A loan's last balance is
// its ending balance in the last certified report that carried it, found
// through those indexes, or its cut-off balance in the tape's. A loan in
// two chunks of one report is caught when the report completes.

// TypeReportIndex: reportindex~<dealID>~<period>~<attempt>~<chunk>,
// loanTape: ReportIndex, the chunk's asset numbers and ending balances.
const TypeReportIndex = "reportindex"

// ReportIndex is what the next report needs of one chunk of a report:
// EndBalances[i] is the ending balance the row of Assets[i] reported.
type ReportIndex struct {
	Assets      []string       `json:"assets"`
	EndBalances []money.Amount `json:"endBalances"`
}
