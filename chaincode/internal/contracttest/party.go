package contracttest

import "github.com/tranchenet/tranchenet/chaincode/schema"

// custodianOf is the party of a ByTrusteeAndCustodian function: the bank
// of the identity its first argument names (an investor whose claims a
// freeze changes), as a gateway app finds it from the request path.
func custodianOf(args []string) string {
	if len(args) == 0 {
		return ""
	}
	id, err := schema.ParseIdentityKey("identityKey", args[0])
	if err != nil {
		return ""
	}
	return id.MSP
}
