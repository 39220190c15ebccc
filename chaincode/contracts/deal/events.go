package deal

// Event payloads: public terms and supply only. A placement names the
// investor but not the units, like every movement; note that the
// issuance account (schema.TrancheBook) is public state, so the size of a
// placement can still be inferred from the book's history.

type dealCreatedEvent struct {
	Deal                      string   `json:"deal"`
	Pool                      string   `json:"pool"`
	Tranches                  []string `json:"tranches"`
	RequiredCollateralization string   `json:"requiredCollateralization"`
}

type documentEvent struct {
	Deal   string `json:"deal"`
	Name   string `json:"name"`
	URI    string `json:"uri"`
	SHA256 string `json:"sha256"`
}

type issuedEvent struct {
	Deal    string `json:"deal"`
	Tranche string `json:"tranche"`
	Units   int64  `json:"units"`  // minted into the issuance account: public supply
	Issued  int64  `json:"issued"` // the tranche's issued units after this
}

type placedEvent struct {
	Deal     string `json:"deal"`
	Tranche  string `json:"tranche"`
	Investor string `json:"investor"`
}
