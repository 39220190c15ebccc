// Package servicing is the Servicing contract: the servicer's monthly
// reports, the trustee's index fixings and certification, the waterfall
// run in the certifying transaction, the per-unit distributions it pays
// and the holders' claims in the cash token, the proof of reserve, the
// event of default, and a replay of any certified period.
//
// # A period, end to end
//
//	Arranger  SetWaterfall(deal, terms)         definition (versioned), classes → tranches, fee payees, payment day
//	Servicer  SubmitReport(deal, header)        declared aggregates (public) and the number of row chunks
//	Servicer  AddReportRows(deal, period)       transient "chunk": loan rows into loanTape, checked row by row
//	Servicer  CompleteReport(deal, period)      when the header declared a chunk size: chunks went in concurrently, now all in
//	Servicer  RemitCollections(deal, amount)    cash token into the deal's collection account
//	Trustee   PostFixing(deal, period, index, rate)
//	Rates     PostIndexQuote(deal, period, index, rate)  for an index the terms fix from several sources (median at the cut-off)
//	Trustee   Certify(deal, period)             the waterfall runs; class payments raise per-unit indices
//	Holder    Claim(tranche)                    units × (index − indexPaid), floored to the cent, into its cash account
//	Anyone    Replay(deal, period)              recompute from public inputs, byte for byte
//
// A holder need not claim: whatever changes its units (a transfer,
// forced transfer, redemption, placement or DvP settlement) pays it what
// those units accrued first (package ledger/accruals, through positions.Register),
// so units earn exactly the distributions paid while they were held. All
// the cash of a period moves through the transaction's one cash.Ledger:
// remittances and reserve funding in, claims and fees out.
//
// The rows of a report never leave the loanTape collection: the chaincode
// checks each one (the loantape rules, the loan is in the pool, its
// beginning balance is its last reported ending balance, it is reported
// once) and publishes only the sums, which must equal the totals the
// servicer declared, and the Merkle root of the rows.
//
// Certification reads and writes only public state and the books the
// trustee keeps, so a majority including the trustee endorses it; its
// cost does not depend on the number of holders (package distribution).
// Claims touch one registry and trustee-kept books: the trustee endorses.
// Endorsers lists every function.
package servicing

import (
	"github.com/tranchenet/tranchenet/chaincode/ledger/txn"
	"github.com/tranchenet/tranchenet/chaincode/schema"
)

// Contract is the Servicing contract.
type Contract struct {
	txn.Base
}

// New returns the contract under its public name "Servicing".
func New() *Contract {
	return &Contract{Base: txn.NewBase("Servicing",
		"servicer reports, index fixings, certification and waterfall, per-unit distributions and claims, proof of reserve, event of default, replay")}
}

// TransientChunk is the transient field of AddReportRows: one
// loantape.ReportChunk as JSON (rows are private and never go in the
// arguments).
const TransientChunk = "chunk"

// Endorsers is this contract's part of schema.Endorsement, where each entry
// says whose peers endorse the function and why they hold what it reads.
var Endorsers = schema.EndorsementOf("Servicing")
