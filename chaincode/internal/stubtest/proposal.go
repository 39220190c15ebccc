package stubtest

import (
	"crypto/sha256"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// GetBinding computes the proposal binding as the shim does:
// SHA-256(nonce || creator || epoch), with epoch 0 as little-endian uint64.
func (s *stub) GetBinding() ([]byte, error) {
	h := sha256.New()
	h.Write(s.nonce)
	h.Write(s.creator.creator)
	h.Write(make([]byte, 8))
	return h.Sum(nil), nil
}

// GetSignedProposal builds the proposal the client would have sent: channel
// header (type, channel, transaction ID, timestamp, chaincode), signature
// header (creator, nonce) and payload (invocation spec and transient map).
// The signature is empty: nothing in chaincode can verify it.
func (s *stub) GetSignedProposal() (*peer.SignedProposal, error) {
	marshal := proto.MarshalOptions{Deterministic: true}
	ccID := &peer.ChaincodeID{Name: s.w.ccName}
	ext, err := marshal.Marshal(&peer.ChaincodeHeaderExtension{ChaincodeId: ccID})
	if err != nil {
		return nil, err
	}
	chdr, err := marshal.Marshal(&common.ChannelHeader{
		Type:      int32(common.HeaderType_ENDORSER_TRANSACTION),
		ChannelId: s.w.channelID,
		TxId:      s.txID,
		Timestamp: s.timestamp,
		Extension: ext,
	})
	if err != nil {
		return nil, err
	}
	shdr, err := marshal.Marshal(&common.SignatureHeader{Creator: s.creator.creator, Nonce: s.nonce})
	if err != nil {
		return nil, err
	}
	hdr, err := marshal.Marshal(&common.Header{ChannelHeader: chdr, SignatureHeader: shdr})
	if err != nil {
		return nil, err
	}
	input, err := marshal.Marshal(&peer.ChaincodeInvocationSpec{ChaincodeSpec: &peer.ChaincodeSpec{
		Type:        peer.ChaincodeSpec_GOLANG,
		ChaincodeId: ccID,
		Input:       &peer.ChaincodeInput{Args: s.args},
	}})
	if err != nil {
		return nil, err
	}
	payload, err := marshal.Marshal(&peer.ChaincodeProposalPayload{Input: input, TransientMap: s.transient})
	if err != nil {
		return nil, err
	}
	prop, err := marshal.Marshal(&peer.Proposal{Header: hdr, Payload: payload})
	if err != nil {
		return nil, err
	}
	return &peer.SignedProposal{ProposalBytes: prop}, nil
}
