package schema

// Composite-key object types added with the Admin, Pool and Deal contracts.
// Like those in keys.go, every key is built from one of them, so a range
// over one type never sees another.
const (
	// TypeConfigProposal: configproposal~<sha256 of the proposed config>,
	// public: ConfigProposal, deleted once applied.
	TypeConfigProposal = "configproposal"
	// TypePoolTape: pooltape~<poolID>, public: TapeProgress, the state of
	// a loan tape being built chunk by chunk. Its key-level policy is the
	// trustee AND the pool's servicer, the same parties the loanTape
	// collection policy requires, so adding loans needs exactly them.
	TypePoolTape = "pooltape"
	// TypeLoanLeaves: loanleaves~<poolID>~<chunk, 8 digits>, loanTape:
	// TapeLeaves, the Merkle leaf hashes of one chunk, for inclusion proofs.
	TypeLoanLeaves = "loanleaves"
)

// TypePoolDeal: pooldeal~<poolID>, public: the ID of the deal a sealed
// pool backs. A pool backs one deal only; without this index two deals
// could each issue against the same collateral.
const TypePoolDeal = "pooldeal"
