package keypolicy

import (
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	mspproto "github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Satisfied reports whether endorsements by one peer of each of the
// endorsing organisations satisfy a key-level policy, evaluated as
// Fabric's validator does: rules in order, each endorsement used by at
// most one principal, an n-out-of rule keeping the endorsements consumed
// by the sub-rules it counted. Only peer and member principals are
// understood (the only kinds the chaincode writes).
func Satisfied(policy []byte, endorsers []string) (bool, error) {
	var env common.SignaturePolicyEnvelope
	if err := proto.Unmarshal(policy, &env); err != nil {
		return false, errs.New(errs.Internal, "endorsement policy: %v", err)
	}
	msps := make([]string, len(env.Identities))
	for i, p := range env.Identities {
		if p.PrincipalClassification != mspproto.MSPPrincipal_ROLE {
			return false, errs.New(errs.Internal, "endorsement policy: principal %d is not an MSP role", i)
		}
		var role mspproto.MSPRole
		if err := proto.Unmarshal(p.Principal, &role); err != nil {
			return false, errs.New(errs.Internal, "endorsement policy: principal %d: %v", i, err)
		}
		if role.Role != mspproto.MSPRole_PEER && role.Role != mspproto.MSPRole_MEMBER {
			return false, errs.New(errs.Internal, "endorsement policy: principal %d has role %s, not peer", i, role.Role)
		}
		msps[i] = role.MspIdentifier
	}
	used := make([]bool, len(endorsers))
	return evaluate(env.Rule, msps, endorsers, used)
}

func evaluate(rule *common.SignaturePolicy, msps, endorsers []string, used []bool) (bool, error) {
	switch r := rule.GetType().(type) {
	case *common.SignaturePolicy_SignedBy:
		if int(r.SignedBy) >= len(msps) || r.SignedBy < 0 {
			return false, errs.New(errs.Internal, "endorsement policy: signed-by %d out of range", r.SignedBy)
		}
		for i, e := range endorsers {
			if !used[i] && e == msps[r.SignedBy] {
				used[i] = true
				return true, nil
			}
		}
		return false, nil
	case *common.SignaturePolicy_NOutOf_:
		met := int32(0)
		trial := make([]bool, len(used))
		for _, sub := range r.NOutOf.Rules {
			copy(trial, used)
			ok, err := evaluate(sub, msps, endorsers, trial)
			if err != nil {
				return false, err
			}
			if ok {
				met++
				copy(used, trial)
			}
		}
		return met >= r.NOutOf.N, nil
	default:
		return false, errs.New(errs.Internal, "endorsement policy: unknown rule type %T", r)
	}
}
