package schema

// Endorsers says which organisations' peers a client must ask to endorse a
// transaction so that it satisfies the chaincode, collection and key-level
// policies and every endorser can read what the transaction reads. The
// gateway app resolves it to MSP IDs from the consortium configuration.
type Endorsers string

const (
	// ByTrustee: the transaction changes only registries and books the
	// trustee keeps (transfers, placements, holds); only the trustee's peer
	// holds every registry.
	ByTrustee Endorsers = "trustee"
	// ByMajority: public state under the chaincode policy; the trustee plus
	// the caller's own org (or any other org when the caller is the
	// trustee's).
	ByMajority Endorsers = "majority"
	// ByTrusteeAndCustodian: what the trustee and one custodian bank keep
	// together, e.g. an investor's compliance claim (key-level policy: the
	// investor's bank AND the trustee); the party is that bank.
	ByTrusteeAndCustodian Endorsers = "trustee+custodian"
	// ByTrusteeAndServicer: the loan tape (its collection policy).
	ByTrusteeAndServicer Endorsers = "trustee+servicer"
	// ByOwnOrgAndTrustee: the caller's own implicit collection and public or
	// compliance state (e.g. attestations with a dossier).
	ByOwnOrgAndTrustee Endorsers = "own+trustee"
	// ByOwnOrg: only the caller's implicit collection.
	ByOwnOrg Endorsers = "own"
	// Query: evaluated, never submitted.
	Query Endorsers = "query"
)
