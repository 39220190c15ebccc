package schema

import "github.com/tranchenet/tranchenet/chaincode/core/money"

// PoolSale is the servicer's declaration, in its last report's header,
// that the pool was sold by a liquidation auction: the auction and the
// price the buyer paid, which must be the auction's award.
type PoolSale struct {
	Auction  string       `json:"auction"`
	Proceeds money.Amount `json:"proceeds"`
}

// Liquidation is the record of a wound-down deal: the certified period
// that paid out its pool's sale, and what each class was left with after
// it. Losses are on the record: WrittenOff is the principal the proceeds
// did not repay (the class's whole principal deficiency ledger), and
// UnpaidInterest the interest still owed when the deal ended.
type Liquidation struct {
	Period      int             `json:"period"`
	Auction     string          `json:"auction"`
	Proceeds    money.Amount    `json:"proceeds"`
	Classes     []ClassWindDown `json:"classes"`
	CertifiedTx string          `json:"certifiedTx"`
}

// ClassWindDown is one class at the deal's end: what the final period
// paid it, and the principal outstanding before its write-off.
type ClassWindDown struct {
	Class   string `json:"class"`
	Tranche string `json:"tranche"`
	// PrincipalPaid and InterestPaid are the final period's payments.
	PrincipalPaid money.Amount `json:"principalPaid"`
	InterestPaid  money.Amount `json:"interestPaid"`
	ResidualPaid  money.Amount `json:"residualPaid,omitzero"`
	// Outstanding is the principal left after the final distribution,
	// written off in that period (WriteDown); WrittenOff is the class's
	// losses over the deal's life.
	Outstanding    money.Amount `json:"outstanding"`
	WrittenOff     money.Amount `json:"writtenOff"`
	UnpaidInterest money.Amount `json:"unpaidInterest"`
}
