package schema

import (
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/settlement"
)

// Keys of the Settlement contract (delivery versus payment).
//
// A settlement's terms live only in the two banks' implicit collections,
// under the same key except for the side, and as the same bytes
// (settlement.Terms.Canonical), so their private data hashes are equal
// exactly when the banks agree. Public state has the status record and a
// per-bank index; a registry has the hold an instruction placed on its
// client's units or cash, which is what lets Expire (sent by anyone,
// without the terms) release it.
const (
	// TypeSettlement: settlement~<tradeRef>, public, kept by the trustee
	// (key-level policy set when the first instruction creates it):
	// Settlement, the status record.
	TypeSettlement = "settlement"
	// TypeSettlementByBank: settlementbank~<MSP>~<tradeRef>, public,
	// written once for each of the two banks: SettlementIndex. A range
	// over one MSP lists the settlements that bank is party to.
	TypeSettlementByBank = "settlementbank"
	// TypeSettlementTerms: settlementterms~<tradeRef>~<side>, in
	// _implicit_org_<that side's bank>: the canonical terms.
	TypeSettlementTerms = "settlementterms"
	// TypeSettlementHold: settlementhold~<tradeRef>~<side>, in
	// registry<MSP of the holder>: SettlementHold, present exactly while
	// the public record's leg says Held.
	TypeSettlementHold = "settlementhold"
)

// Settlement is the public status record of one settlement: banks,
// tranche, payment mode, deadlines, status, instruction hashes and
// history, never parties, units or cash.
type Settlement = settlement.Record

// SettlementIndex is the value of a per-bank index entry: the sides the
// bank is on (both when seller and buyer are clients of the same bank).
type SettlementIndex struct {
	Sides []settlement.Side `json:"sides"`
}

// SettlementHold is what one pending settlement reserves in its holder's
// registry: Units of Tranche for a deliver leg, Cash for a receive leg.
// The amounts are mirrored in Position.HeldUnits and CashAccount.Held,
// which sum the holds of every pending settlement of the holder.
type SettlementHold struct {
	Holder  string       `json:"holder"` // identity key, or "" for the SPV's issuance account
	Tranche string       `json:"tranche,omitempty"`
	Units   int64        `json:"units,omitempty"`
	Cash    money.Amount `json:"cash,omitempty"`
}
