package consortium

import "path/filepath"

// RunFolder is a test network's run folder (test-network/network.sh's
// TRANCHENET_RUN). Every org's process set lives in a folder of its own,
// holding only what that org would have on its own machines:
//
//	orgs/<MSPID>/
//	  ca-server/ ca-client/        its Fabric CA's home and the CA admin's enrollment
//	  msp/                         its channel MSP (CA and TLS roots, NodeOUs): public
//	  peers|orderers/<host>/       its nodes' enrollment (msp/) and TLS keys (tls/)
//	  users/<Name>@<domain>/msp/   its users' enrollments (Admin, Registrar, User1..N)
//	  nodes/<host>/                its nodes' rendered core.yaml/orderer.yaml and ledgers
//	  builders/ccaas/              its peers' external chaincode builder
//	  chaincode/                   its chaincode package, package ID and service binary
//	  gateway/                     its gateway app: config.yaml, tokens.json, data/ (wallet, read model)
//	  public/<MSPID>/msp/          every other org's public MSP, as that org handed it over
//	  channel/<channel>.block      the channel's genesis block, copied in
//	  config/                      (the orderer org) the configtx.yaml it makes the channel from
//	  profile.json                 (banks) the connection profile of its clients
//
// No process's configuration names a path in another org's folder
// (test-network's TestIntegrationNetworkLifecycle checks every one). The
// run folder itself keeps only the script's own bookkeeping (bin/, logs/,
// pids/). These methods are the one place Go code computes those paths;
// test-network/network.sh's org_dir is the shell's.
type RunFolder string

// Org is the folder of the org with MSP ID mspID.
func (r RunFolder) Org(mspID string) string { return filepath.Join(string(r), "orgs", mspID) }

// UserMSP is the enrollment (signcerts/, keystore/) of user ("Admin",
// "Registrar", "User1", ...) of a bank org.
func (r RunFolder) UserMSP(org Org, user string) string {
	return filepath.Join(r.Org(org.MSPID), "users", user+"@"+org.Domain, "msp")
}

// PeerTLS is the TLS folder (ca.crt, server.crt, server.key) of one of a
// bank's peers.
func (r RunFolder) PeerTLS(org Org, p Peer) string {
	return filepath.Join(r.Org(org.MSPID), "peers", org.PeerHost(p), "tls")
}

// TLSRoot is the TLS root certificate of org owner as org viewer's folder
// holds it: its own MSP's, or the copy of owner's public MSP it was given.
// A client of viewer trusts owner's peers or orderers through it.
func (r RunFolder) TLSRoot(viewer, owner string) string {
	if viewer == owner {
		return filepath.Join(r.Org(owner), "msp", "tlscacerts", "ca.pem")
	}
	return filepath.Join(r.Org(viewer), "public", owner, "msp", "tlscacerts", "ca.pem")
}

// Gateway is the folder of a bank's gateway app (config.yaml, tokens.json,
// data/).
func (r RunFolder) Gateway(mspID string) string { return filepath.Join(r.Org(mspID), "gateway") }
