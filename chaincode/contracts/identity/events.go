package identity

// Event payloads: the investor's key and public facts. Claims (investor
// type, jurisdiction, dates) stay in the compliance collection.

type attestedEvent struct {
	Investor      string `json:"investor"`
	AttestedBy    string `json:"attestedBy"`
	DossierSHA256 string `json:"dossierSha256"`
}

type investorEvent struct {
	Investor string `json:"investor"`
	Reason   string `json:"reason,omitempty"` // for a freeze: published, so free of personal data
}
