package pool

// Event payloads: public facts only. Loan data never leaves the loanTape
// collection; counts, balances and roots are published at sealing anyway.

type poolCreatedEvent struct {
	Pool       string `json:"pool"`
	Originator string `json:"originator"`
	Servicer   string `json:"servicer"`
	CutoffDate string `json:"cutoffDate"`
}

type loansAddedEvent struct {
	Pool        string `json:"pool"`
	Chunk       int    `json:"chunk"`
	Loans       int    `json:"loans"`       // in this chunk
	LoansInPool int    `json:"loansInPool"` // after this chunk
}

type poolSealedEvent struct {
	Pool       string `json:"pool"`
	LoanCount  int    `json:"loanCount"`
	Balance    string `json:"balance"`
	MerkleRoot string `json:"merkleRoot"`
}

type tapeCheckedEvent struct {
	Pool       string `json:"pool"`
	Chunks     int    `json:"chunks"`
	Loans      int    `json:"loans"`
	MerkleRoot string `json:"merkleRoot"`
}
