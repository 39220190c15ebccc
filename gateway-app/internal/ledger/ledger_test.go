package ledger

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// gatewayError builds the gRPC status the Fabric Gateway returns, with
// per-peer details.
func gatewayError(code codes.Code, msg string, details ...string) error {
	st := status.New(code, msg)
	for i, d := range details {
		var err error
		st, err = st.WithDetails(&gateway.ErrorDetail{Address: fmt.Sprintf("peer%d:7051", i), MspId: "Org1MSP", Message: d})
		if err != nil {
			panic(err)
		}
	}
	return st.Err()
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		kind      Kind
		code      errs.Code
		rule      int
		message   string
		retryable bool
	}{
		{"chaincode refusal in a detail",
			gatewayError(codes.Aborted, "failed to endorse transaction, see attached details for more info",
				"chaincode response 500, [RULE_JURISDICTION_BLOCKED] transfer refused: receiver jurisdiction US-NY not allowed for tranche A (rule 4)"),
			KindRefused, errs.RuleJurisdictionBlocked, 4, "transfer refused: receiver jurisdiction US-NY not allowed for tranche A", false},
		{"chaincode refusal in an evaluate status",
			gatewayError(codes.Unknown, "evaluate call to endorser returned error: chaincode response 500, [NOT_FOUND] probe key \"k\" not found"),
			KindRefused, errs.NotFound, 0, `probe key "k" not found`, false},
		{"private data of another org",
			gatewayError(codes.Unknown, "evaluate call to endorser returned error: chaincode response 500, GET_STATE failed: transaction ID: ab: tx creator does not have read access permission on privatedata in chaincodeName:tranchenet collectionName: loanTape"),
			KindRefused, errs.Forbidden, 0, "GET_STATE failed: transaction ID: ab: tx creator does not have read access permission on privatedata in chaincodeName:tranchenet collectionName: loanTape", false},
		{"peer down", gatewayError(codes.Unavailable, "connection error: dial tcp 127.0.0.1:7051: connect: connection refused"),
			KindUnavailable, "", 0, "connection error: dial tcp 127.0.0.1:7051: connect: connection refused", true},
		{"gateway overloaded", gatewayError(codes.ResourceExhausted, "gateway concurrency limit reached"),
			KindUnavailable, "", 0, "gateway concurrency limit reached", true},
		{"timeout", gatewayError(codes.DeadlineExceeded, "context deadline exceeded"),
			KindUnavailable, "", 0, "context deadline exceeded", true},
		{"other peer error", gatewayError(codes.FailedPrecondition, "no peers available to evaluate chaincode tranchenet in channel tranchenet"),
			KindPeer, "", 0, "no peers available to evaluate chaincode tranchenet in channel tranchenet", false},
		{"endorsement error without code",
			gatewayError(codes.Aborted, "failed to endorse transaction, see attached details for more info", "chaincode response 500, Function Nope not found in contract Probe"),
			KindPeer, "", 0, "failed to endorse transaction, see attached details for more info: chaincode response 500, Function Nope not found in contract Probe", false},
		{"MVCC conflict", &client.CommitError{TransactionID: "tx9", Code: peer.TxValidationCode_MVCC_READ_CONFLICT},
			KindConflict, "", 0, "the transaction conflicted with a concurrent one and was not committed (MVCC_READ_CONFLICT); retry it", true},
		{"phantom read", &client.CommitError{TransactionID: "tx9", Code: peer.TxValidationCode_PHANTOM_READ_CONFLICT},
			KindConflict, "", 0, "the transaction conflicted with a concurrent one and was not committed (PHANTOM_READ_CONFLICT); retry it", true},
		{"endorsement policy failure", &client.CommitError{TransactionID: "tx9", Code: peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE},
			KindInvalid, "", 0, "the transaction was ordered but is invalid (ENDORSEMENT_POLICY_FAILURE)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Classify(fmt.Errorf("wrapped: %w", tt.err), "")
			if e.Kind != tt.kind || e.Code != tt.code || e.Rule != tt.rule || e.Message != tt.message || e.Retryable != tt.retryable {
				t.Fatalf("Classify = kind %s code %q rule %d retryable %v\nmessage %q\nwant kind %s code %q rule %d retryable %v\nmessage %q",
					e.Kind, e.Code, e.Rule, e.Retryable, e.Message, tt.kind, tt.code, tt.rule, tt.retryable, tt.message)
			}
			if !errors.Is(e, tt.err) {
				t.Error("the cause must stay reachable")
			}
		})
	}
	if Classify(nil, "") != nil {
		t.Fatal("Classify(nil) must be nil")
	}
	e := &Error{Kind: KindRefused, Code: errs.Forbidden, Message: "x"}
	if Classify(fmt.Errorf("ctx: %w", e), "") != e {
		t.Fatal("an *Error passes through")
	}
	ce := Classify(&client.CommitError{TransactionID: "tx7", Code: peer.TxValidationCode_MVCC_READ_CONFLICT}, "")
	if ce.TxID != "tx7" || ce.ValidationCode != "MVCC_READ_CONFLICT" {
		t.Fatalf("commit error: %+v", ce)
	}
	if d := Classify(gatewayError(codes.Aborted, "x", "chaincode response 500, [FORBIDDEN] no"), "").Details; len(d) != 1 || d[0].MSPID != "Org1MSP" || d[0].Address != "peer0:7051" {
		t.Fatalf("details %+v", d)
	}
}

func TestErrorText(t *testing.T) {
	e := &Error{Kind: KindRefused, Code: errs.RuleFrozen, Rule: 8, Message: "sender frozen", TxID: "ab12"}
	if got := e.Error(); got != "ledger refused [RULE_FROZEN]: sender frozen (rule 8) (tx ab12)" {
		t.Fatalf("%q", got)
	}
}

// writeIdentity writes a certificate (with the given OU) and its key as PEM.
func writeIdentity(t *testing.T, dir, name, ou string) (certPath, keyPath string, key *ecdsa.PrivateKey) {
	t.Helper()
	key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
		Subject: pkix.Name{CommonName: name, OrganizationalUnit: []string{ou}}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	certPath, keyPath = filepath.Join(dir, name+"-cert.pem"), filepath.Join(dir, name+"_sk")
	os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	return certPath, keyPath, key
}

func TestLoadIdentity(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath, _ := writeIdentity(t, dir, "Admin", "admin")
	li, err := loadIdentity("Org1MSP", config.Identity{Name: "Admin", Cert: certPath, Key: keyPath})
	if err != nil {
		t.Fatal(err)
	}
	want := roles.IdentityOf("Org1MSP", li.info.Certificate)
	if !li.info.Admin || li.info.ID != want || li.info.Name != "Admin" {
		t.Fatalf("%+v", li.info)
	}

	keystore := filepath.Join(dir, "keystore")
	os.MkdirAll(keystore, 0o700)
	userCert, userKey, _ := writeIdentity(t, dir, "User1", "client")
	raw, _ := os.ReadFile(userKey)
	os.WriteFile(filepath.Join(keystore, "priv_sk"), raw, 0o600)
	li, err = loadIdentity("Org1MSP", config.Identity{Name: "User1", Cert: userCert, Keystore: keystore})
	if err != nil || li.info.Admin {
		t.Fatalf("keystore identity: %v %+v", err, li)
	}

	if _, err := loadIdentity("Org1MSP", config.Identity{Name: "Mixed", Cert: certPath, Key: userKey}); err == nil || !strings.Contains(err.Error(), "does not match certificate") {
		t.Fatalf("mismatched key: %v", err)
	}
	os.WriteFile(filepath.Join(keystore, "second_sk"), raw, 0o600)
	if _, err := loadIdentity("Org1MSP", config.Identity{Name: "User1", Cert: userCert, Keystore: keystore}); err == nil || !strings.Contains(err.Error(), "want exactly one key file, found 2") {
		t.Fatalf("two keys: %v", err)
	}
}

func TestDialLoadsEveryIdentityAndIsLazy(t *testing.T) {
	dir := t.TempDir()
	adminCert, adminKey, _ := writeIdentity(t, dir, "Admin", "admin")
	userCert, userKey, _ := writeIdentity(t, dir, "User1", "client")
	cfg := config.Config{MSPID: "Org1MSP", Channel: "tranchenet", Chaincode: "tranchenet",
		Peer:       config.Peer{Endpoint: "127.0.0.1:1", TLSCACert: adminCert, HostOverride: "peer0"},
		Identities: []config.Identity{{Name: "Admin", Cert: adminCert, Key: adminKey}, {Name: "User1", Cert: userCert, Key: userKey}}}
	cfg.SetDefaults()
	g, err := Dial(cfg) // nothing listens on port 1: gRPC connects lazily
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	ids := g.Identities()
	if len(ids) != 2 || ids[0].Name != "Admin" || !ids[0].Admin || ids[1].Admin {
		t.Fatalf("identities %+v", ids)
	}
	if _, err := g.Network("User1"); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Evaluate(t.Context(), "Nobody", Tx{Fn: "Probe:GetPublic"}); !errors.Is(err, ErrNoIdentity) {
		t.Fatalf("unknown identity: %v", err)
	}

	cfg.Identities[1].Key = adminKey
	if _, err := Dial(cfg); err == nil || !strings.Contains(err.Error(), "identity User1") {
		t.Fatalf("a bad identity must stop Dial: %v", err)
	}
}
