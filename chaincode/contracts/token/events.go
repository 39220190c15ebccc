package token

// Event payloads. Only public facts: the tranche and the identity keys
// involved. Units moved are private to the parties, their banks and the
// trustee, so no event carries them.

type movedEvent struct {
	Tranche string `json:"tranche"`
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
}

type forcedEvent struct {
	Tranche string `json:"tranche"`
	From    string `json:"from"`
	To      string `json:"to"`
	Reason  string `json:"reason"` // the trustee's stated reason, published for audit
}

type frozenEvent struct {
	Tranche string `json:"tranche"`
	Holder  string `json:"holder"`
	All     bool   `json:"all,omitempty"` // the whole position, now and later
}

type trancheEvent struct {
	Tranche string `json:"tranche"`
}
