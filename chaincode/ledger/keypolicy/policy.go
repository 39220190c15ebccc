package keypolicy

import (
	"slices"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	mspproto "github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// AllOf is the policy "a peer of every one of these organisations"
// (repeats dropped, order kept). With one organisation it is that
// organisation's peers alone.
func AllOf(msps ...string) ([]byte, error) {
	msps = dedupe(msps)
	if len(msps) == 0 {
		return nil, errs.New(errs.Internal, "endorsement policy: no organisation named")
	}
	b := builder{}
	return b.envelope(b.outOf(len(msps), b.signedBy(msps)...))
}

// TrusteeAndMajority is the governance policy: a peer of every trustee
// organisation AND enough peers of other members that, with the trustees,
// they make a majority of the consortium's organisations. For three banks
// with one trustee: the trustee and any one of the other two; two
// non-trustee banks never satisfy it. Fabric counts each signature once
// (the trustee's peer cannot also be one of "the others"), which is why
// the others are listed without the trustees.
func TrusteeAndMajority(cfg roles.OrgConfig) ([]byte, error) {
	trustees := cfg.MSPsWithRole(roles.Trustee)
	if len(trustees) == 0 {
		return nil, errs.New(errs.WrongState, "the configuration names no trustee organisation")
	}
	var others []string
	for _, m := range cfg.MSPs() {
		if !slices.Contains(trustees, m) {
			others = append(others, m)
		}
	}
	extra := max(0, MajorityOf(len(cfg.Orgs))-len(trustees))
	b := builder{}
	rules := b.signedBy(trustees)
	if extra > 0 {
		rules = append(rules, b.outOf(extra, b.signedBy(others)...))
	}
	return b.envelope(b.outOf(len(rules), rules...))
}

// MajorityOf is the number of organisations that is more than half of n.
func MajorityOf(n int) int { return n/2 + 1 }

// builder collects the principals of one policy envelope.
type builder struct {
	identities []*mspproto.MSPPrincipal
	index      map[string]int32
}

func (b *builder) signedBy(msps []string) []*common.SignaturePolicy {
	out := make([]*common.SignaturePolicy, 0, len(msps))
	for _, m := range msps {
		out = append(out, &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: b.principal(m)}})
	}
	return out
}

func (b *builder) principal(msp string) int32 {
	if i, ok := b.index[msp]; ok {
		return i
	}
	if b.index == nil {
		b.index = map[string]int32{}
	}
	role, err := proto.Marshal(&mspproto.MSPRole{MspIdentifier: msp, Role: mspproto.MSPRole_PEER})
	if err != nil {
		panic(err) // a two-field message always marshals
	}
	b.identities = append(b.identities, &mspproto.MSPPrincipal{
		PrincipalClassification: mspproto.MSPPrincipal_ROLE, Principal: role})
	b.index[msp] = int32(len(b.identities) - 1)
	return b.index[msp]
}

func (b *builder) outOf(n int, rules ...*common.SignaturePolicy) *common.SignaturePolicy {
	return &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{
		NOutOf: &common.SignaturePolicy_NOutOf{N: int32(n), Rules: rules}}}
}

func (b *builder) envelope(rule *common.SignaturePolicy) ([]byte, error) {
	out, err := proto.Marshal(&common.SignaturePolicyEnvelope{Version: 0, Rule: rule, Identities: b.identities})
	if err != nil {
		return nil, errs.New(errs.Internal, "endorsement policy: %v", err)
	}
	return out, nil
}

func dedupe(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
