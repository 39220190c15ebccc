package cash

// Event payloads. Supply changes are public (the supply record is); a
// movement to or between holders names their keys, never the amount.

type reservesEvent struct {
	Reserves string `json:"reserves"`
	Evidence string `json:"evidence"`
}

type supplyEvent struct {
	Amount string `json:"amount"`
}

type movedEvent struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}
