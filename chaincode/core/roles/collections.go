package roles

import "strings"

// Names of the private data collections shared by the whole consortium.
// Per-organisation collections are derived by RegistryCollection and
// ImplicitCollection; nothing else names an organisation.
//
// These are the only definitions: the contracts read and write under them,
// collections/ generates the collection config with them and the gateway
// routes endorsements by them.
const (
	LoanTapeCollection   = "loanTape"   // loan-level tapes: trustee and servicer organisations
	ComplianceCollection = "compliance" // investor claims read by transfer rules: all member banks
)

const (
	registryPrefix = "registry"
	// implicitPrefix is Fabric's (core/chaincode/implicitcollection).
	implicitPrefix = "_implicit_org_"
)

// RegistryCollection names the collection in which custodian msp keeps its
// clients' holdings and cash balances (shared with the trustee as registrar).
func RegistryCollection(msp string) string { return registryPrefix + msp }

// ImplicitCollection names Fabric's implicit collection of msp, which only
// that organisation's peers hold.
func ImplicitCollection(msp string) string { return implicitPrefix + msp }

// ImplicitCollectionOrg reports whether name is an org's implicit
// collection, and whose.
func ImplicitCollectionOrg(name string) (msp string, ok bool) {
	msp, ok = strings.CutPrefix(name, implicitPrefix)
	return msp, ok && msp != ""
}
