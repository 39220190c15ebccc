package keypolicy

import (
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// Set gives a public key its key-level policy (the write is validated
// against the key's current policy; the new one binds later writes).
func Set(stub shim.ChaincodeStubInterface, key string, policy []byte) error {
	if err := stub.SetStateValidationParameter(key, policy); err != nil {
		return errs.New(errs.Internal, "set endorsement policy of %q: %v", key, err)
	}
	return nil
}

// KeptBy gives a public key the policy "a peer of every one of these
// organisations" (AllOf): the one construction behind the trustee's books,
// a pool's tape progress and a report record.
func KeptBy(stub shim.ChaincodeStubInterface, key string, msps ...string) error {
	policy, err := AllOf(msps...)
	if err != nil {
		return err
	}
	return Set(stub, key, policy)
}

// SetPrivate gives a key of a private data collection its key-level policy.
func SetPrivate(stub shim.ChaincodeStubInterface, collection, key string, policy []byte) error {
	if err := stub.SetPrivateDataValidationParameter(collection, key, policy); err != nil {
		return errs.New(errs.Internal, "set endorsement policy of %q in %s: %v", key, collection, err)
	}
	return nil
}

// Govern puts a governance record (configuration, configuration
// proposal, role grant, deal and tranche terms) under TrusteeAndMajority
// of cfg.
func Govern(stub shim.ChaincodeStubInterface, cfg roles.OrgConfig, key string) error {
	policy, err := TrusteeAndMajority(cfg)
	if err != nil {
		return err
	}
	return Set(stub, key, policy)
}

// KeptBySettlementAgent puts a key (the cash supply and reserves) under
// the peers of every organisation that may hold the settlement role.
func KeptBySettlementAgent(stub shim.ChaincodeStubInterface, cfg roles.OrgConfig, key string) error {
	agents := cfg.MSPsWithRole(roles.Settlement)
	if len(agents) == 0 {
		return errs.New(errs.WrongState, "the configuration names no settlement organisation")
	}
	policy, err := AllOf(agents...)
	if err != nil {
		return err
	}
	return Set(stub, key, policy)
}

// ClaimPolicy is the policy of an investor's compliance claims: a peer of
// the investor's own bank AND of every trustee organisation.
func ClaimPolicy(cfg roles.OrgConfig, investorMSP string) ([]byte, error) {
	return AllOf(append([]string{investorMSP}, cfg.MSPsWithRole(roles.Trustee)...)...)
}
