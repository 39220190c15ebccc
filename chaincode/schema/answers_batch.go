package schema

// MaxBatchQuery is the most items one batch call (Token:Positions,
// Cash:Balances, Deal:PlaceMany, Identity:AttestMany) takes: a gateway
// asks once per block of events, and a bound keeps one call's work small.
const MaxBatchQuery = 500

// MaxBatchDossierBytes bounds the dossiers of one Identity:AttestMany
// together. The proposal carries them all to every endorsing peer, and
// each endorser disseminates the implicit collection's writes before it
// answers: 8 MiB keeps a proposal far below the peers' 100 MiB gRPC limit
// and its dissemination short, and still allows 500 records of 16 KiB.
const MaxBatchDossierBytes = 8 << 20

// Placement is one item of Deal:PlaceMany: units to place with an investor.
type Placement struct {
	Investor string `json:"investor" doc:"the investor's identity key (MSP/id)"`
	Units    int64  `json:"units"`
}

// PositionQuery names one position a batch read asks for.
type PositionQuery struct {
	Tranche string `json:"tranche"`
	Holder  string `json:"holder"`
}

// PositionAnswer is one item of Token:Positions: the position, or why the
// caller may not have it (the refusal Token:Position would give, with its
// code).
type PositionAnswer struct {
	Tranche  string        `json:"tranche"`
	Holder   string        `json:"holder"`
	Position *PositionView `json:"position,omitempty"`
	Refusal  string        `json:"refusal,omitempty"`
}

// BalanceAnswer is one item of Cash:Balances: the balance, or the refusal
// Cash:Balance would give.
type BalanceAnswer struct {
	Holder  string       `json:"holder"`
	Balance *CashBalance `json:"balance,omitempty"`
	Refusal string       `json:"refusal,omitempty"`
}
