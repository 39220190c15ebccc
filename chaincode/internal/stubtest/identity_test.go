package stubtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/attrmgr"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

func TestCreatorIsReadableThroughCid(t *testing.T) {
	w := newProbeWorld(t)
	tests := []struct {
		name  string
		id    *Identity
		want  whoami
		rawID string // decoded cid.GetID
	}{
		{
			name: "investor with a Fabric CA role attribute",
			id:   w.Identity(org2, "alice", Attr("tranchenet.role", "investor")),
			want: whoami{MSPID: org2, CN: "alice", Role: "investor", RoleFound: true, Client: true},
			// The DN order is cid's: most specific RDN first.
			rawID: "x509::CN=alice,OU=client::CN=ca.Org2MSP,O=Org2MSP",
		},
		{
			name:  "org admin without attributes",
			id:    w.Identity(org1, "admin", OU("admin")),
			want:  whoami{MSPID: org1, CN: "admin", Admin: true},
			rawID: "x509::CN=admin,OU=admin::CN=ca.Org1MSP,O=Org1MSP",
		},
		{
			name:  "trustee attribute",
			id:    w.Identity(org1, "trustee", Attr("tranchenet.role", "trustee"), Attr("hf.EnrollmentID", "trustee")),
			want:  whoami{MSPID: org1, CN: "trustee", Role: "trustee", RoleFound: true, Client: true},
			rawID: "x509::CN=trustee,OU=client::CN=ca.Org1MSP,O=Org1MSP",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustOK(t, w.Invoke(tc.id, "Probe:Whoami", nil))
			var got whoami
			if err := json.Unmarshal(r.Payload, &got); err != nil {
				t.Fatal(err)
			}
			tc.want.ID, tc.want.RouterID = tc.id.ID(), tc.id.ID()
			if got != tc.want {
				t.Fatalf("chaincode saw %+v\nwant %+v", got, tc.want)
			}
			raw, err := base64.StdEncoding.DecodeString(got.ID)
			if err != nil {
				t.Fatal(err)
			}
			if string(raw) != tc.rawID {
				t.Fatalf("cid.GetID decodes to %q, want %q", raw, tc.rawID)
			}
		})
	}
}

func TestCertificateContent(t *testing.T) {
	w := newProbeWorld(t)
	id := w.Identity(org2, "alice", OU("client"), Attr("tranchenet.role", "investor"))
	cert := id.Certificate()

	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		t.Fatalf("public key %T, want ECDSA P-256", cert.PublicKey)
	}
	certCache.Lock()
	ca := certCache.authorities[org2]
	certCache.Unlock()
	if err := cert.CheckSignatureFrom(ca.cert); err != nil {
		t.Fatalf("certificate not signed by the Org2 CA: %v", err)
	}
	var ext []byte
	for _, e := range cert.Extensions {
		if e.Id.Equal(attrmgr.AttrOID) {
			ext = e.Value
		}
	}
	if string(ext) != `{"attrs":{"tranchenet.role":"investor"}}` {
		t.Fatalf("attribute extension %q", ext)
	}

	var sid msp.SerializedIdentity
	if err := proto.Unmarshal(id.Creator(), &sid); err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(sid.IdBytes)
	if sid.Mspid != org2 || block == nil || !bytes.Equal(block.Bytes, cert.Raw) {
		t.Fatalf("creator holds MSP %q and PEM %v, want %s and the certificate", sid.Mspid, block != nil, org2)
	}
	if id.String() != "alice@Org2MSP" || id.MSPID() != org2 || id.Name() != "alice" {
		t.Fatalf("String %q MSPID %q Name %q", id, id.MSPID(), id.Name())
	}
}

func TestIdentitiesAreCachedAndDeterministic(t *testing.T) {
	w := newProbeWorld(t)
	a := w.Identity(org2, "bob", Attr("x", "1"), Attr("y", "2"))
	if b := w.Identity(org2, "bob", Attr("y", "2"), Attr("x", "1")); a != b {
		t.Fatal("attribute order changed the cached identity")
	}
	if other := NewWorld(w.cc).Identity(org2, "bob", Attr("x", "1"), Attr("y", "2")); a != other {
		t.Fatal("another World issued a new certificate for the same content")
	}
	admin := w.Identity(org2, "bob", OU("admin"))
	if admin == a || admin.ID() == a.ID() {
		t.Fatal("a different OU must give a different certificate and ID")
	}
	// Issue the same content again, bypassing the cache: byte-identical.
	spec := identitySpec{ous: []string{"client"}, attrs: map[string]string{"x": "1", "y": "2"}}
	certCache.Lock()
	fresh, err := newIdentity(org2, "bob", spec)
	certCache.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh.Creator(), a.Creator()) {
		t.Fatal("certificate bytes are not a pure function of the content")
	}
}

func TestIdentityPutsItsOrgOnTheChannel(t *testing.T) {
	w := NewWorld(newProbeWorld(t).cc)
	w.Identity("Org5MSP", "eve")
	if got := w.Private(ImplicitCollection("Org5MSP")); len(got) != 0 {
		t.Fatalf("new implicit collection holds %v", got)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Identity with an empty MSP did not panic")
		}
	}()
	w.Identity("", "nobody")
}

// TestSignedProposalIsConsistent checks the proposal against Fabric's own
// relations: tx ID = hex(SHA-256(nonce || creator)), binding =
// SHA-256(nonce || creator || epoch).
func TestSignedProposalIsConsistent(t *testing.T) {
	w := newProbeWorld(t)
	alice := w.Identity(org2, "alice")
	tx := w.Endorse(alice, "Probe:TxID", nil, Transient(map[string][]byte{"t": []byte("v")}))
	sp, err := tx.stub.GetSignedProposal()
	if err != nil {
		t.Fatal(err)
	}
	var prop peer.Proposal
	var hdr common.Header
	var chdr common.ChannelHeader
	var shdr common.SignatureHeader
	var payload peer.ChaincodeProposalPayload
	// Each message is inside the previous one, so unmarshal in order.
	for _, step := range []struct {
		b func() []byte
		m proto.Message
	}{
		{func() []byte { return sp.ProposalBytes }, &prop},
		{func() []byte { return prop.Header }, &hdr},
		{func() []byte { return hdr.ChannelHeader }, &chdr},
		{func() []byte { return hdr.SignatureHeader }, &shdr},
		{func() []byte { return prop.Payload }, &payload},
	} {
		if err := proto.Unmarshal(step.b(), step.m); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha256.Sum256(append(append([]byte{}, shdr.Nonce...), shdr.Creator...))
	switch {
	case chdr.TxId != tx.TxID() || hex.EncodeToString(sum[:]) != tx.TxID():
		t.Fatalf("tx ID %q, header %q, computed %x", tx.TxID(), chdr.TxId, sum)
	case chdr.ChannelId != DefaultChannelID || common.HeaderType(chdr.Type) != common.HeaderType_ENDORSER_TRANSACTION:
		t.Fatalf("channel header %v", &chdr)
	case !bytes.Equal(shdr.Creator, alice.Creator()):
		t.Fatal("creator differs")
	case string(payload.TransientMap["t"]) != "v":
		t.Fatalf("transient map %v", payload.TransientMap)
	case !chdr.Timestamp.AsTime().Equal(DefaultStartTime):
		t.Fatalf("timestamp %v", chdr.Timestamp.AsTime())
	}
	binding, _ := tx.stub.GetBinding()
	want := sha256.Sum256(append(append(append([]byte{}, shdr.Nonce...), shdr.Creator...), make([]byte, 8)...))
	if !bytes.Equal(binding, want[:]) {
		t.Fatal("binding differs from SHA-256(nonce || creator || epoch)")
	}
}
