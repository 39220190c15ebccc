package onboard_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/config"
	"github.com/tranchenet/tranchenet/gateway-app/internal/caclient"
	"github.com/tranchenet/tranchenet/gateway-app/internal/onboard"
	"github.com/tranchenet/tranchenet/gateway-app/internal/onboard/onboardtest"
)

func TestOnboardRestartRevoke(t *testing.T) {
	env := onboardtest.NewEnv(t, "Org3MSP")
	env.Config.Users = []config.User{{Name: "compliance"}}
	ctx := context.Background()
	svc, loader := env.Open(t)

	rec, token, err := svc.Onboard(ctx, onboard.Request{Name: "investor-7", Role: roles.Investor, CreatedBy: "compliance"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rec.IdentityKey, "Org3MSP/") || len(rec.IdentityKey) != len("Org3MSP/")+64 {
		t.Fatalf("identity key %q: want Org3MSP/<64 hex>", rec.IdentityKey)
	}
	if !strings.HasPrefix(token, config.TokenPrefix) || rec.TokenSHA256 != config.HashToken(token) {
		t.Fatalf("token %q / hash %s", token, rec.TokenSHA256)
	}
	if !loader.Loaded("investor-7") {
		t.Fatal("the identity was not loaded into the Fabric connection")
	}
	info, ok := svc.Identity("investor-7")
	if !ok || info.ID.Key() != rec.IdentityKey || info.Certificate.Subject.CommonName != "investor-7" {
		t.Fatalf("Identity = %+v, %v", info, ok)
	}
	// The loaded signer is the wallet's key of the enrolled certificate.
	digest := sha256.Sum256([]byte("proposal"))
	sig, err := loader.Signs["investor-7"](digest[:])
	if err != nil || !ecdsa.VerifyASN1(info.Certificate.PublicKey.(*ecdsa.PublicKey), digest[:], sig) {
		t.Fatalf("the identity's signature does not verify with its certificate: %v", err)
	}
	user, ok := svc.UserByToken(sha256.Sum256([]byte(token)))
	if !ok || user.Name != "investor-7" || user.Identity != "investor-7" || len(user.Roles) != 1 || user.Roles[0] != "investor" {
		t.Fatalf("UserByToken = %+v, %v", user, ok)
	}

	for _, tc := range []struct {
		req  onboard.Request
		want error
	}{
		{onboard.Request{Name: "investor-7", Role: roles.Investor}, onboard.ErrExists},
		{onboard.Request{Name: "compliance", Role: roles.Investor}, onboard.ErrExists},
		{onboard.Request{Name: "officer", Role: roles.Compliance}, onboard.ErrRole},
	} {
		if _, _, err := svc.Onboard(ctx, tc.req); !errors.Is(err, tc.want) {
			t.Errorf("Onboard(%s as %s) = %v, want %v", tc.req.Name, tc.req.Role, err, tc.want)
		}
	}
	// Registered at the CA by someone else (another gateway, an operator):
	// the CA's refusal says so.
	if _, err := env.CA.Client(t).Register(ctx, caclient.Registration{ID: "taken", Type: "client"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Onboard(ctx, onboard.Request{Name: "taken", Role: roles.Investor}); !errors.Is(err, onboard.ErrExists) {
		t.Errorf("Onboard(taken) = %v, want ErrExists", err)
	}

	// A restart keeps the identity, its key and its user.
	svc.Close()
	svc, loader = env.Open(t)
	if !loader.Loaded("investor-7") {
		t.Fatal("after a restart the identity is not loaded")
	}
	if _, ok := svc.UserByToken(sha256.Sum256([]byte(token))); !ok {
		t.Fatal("after a restart the token no longer authenticates")
	}

	rev, err := svc.Revoke(ctx, "investor-7", "compliance")
	if err != nil {
		t.Fatal(err)
	}
	if rev.Record.Active() || rev.Record.RevokedBy != "compliance" {
		t.Fatalf("record after revocation: %+v", rev.Record)
	}
	if _, ok := svc.UserByToken(sha256.Sum256([]byte(token))); ok {
		t.Fatal("a revoked identity's token still authenticates")
	}
	if loader.Loaded("investor-7") {
		t.Fatal("a revoked identity is still loaded")
	}
	b, _ := pem.Decode(rev.CRL)
	crl, err := x509.ParseRevocationList(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if len(crl.RevokedCertificateEntries) != 1 || crl.RevokedCertificateEntries[0].SerialNumber.Text(16) != rec.Serial {
		t.Fatalf("CRL entries %+v, want serial %s", crl.RevokedCertificateEntries, rec.Serial)
	}
	// Repeating completes nothing new and fails nothing.
	if _, err := svc.Revoke(ctx, "investor-7", "compliance"); err != nil {
		t.Fatalf("second revocation: %v", err)
	}
	if _, err := svc.Revoke(ctx, "nobody", "compliance"); !errors.Is(err, onboard.ErrNotFound) {
		t.Fatalf("revoking an unknown identity: %v", err)
	}
	svc.Close()
	svc, loader = env.Open(t)
	if loader.Loaded("investor-7") {
		t.Fatal("after a restart a revoked identity is loaded again")
	}
	list := svc.List()
	if len(list) != 1 || list[0].Active() {
		t.Fatalf("List = %+v", list)
	}
}

// BenchmarkOnboard onboards b.N investors at one bank against a real
// fabric-ca-server: register, key in the wallet, CSR, enroll, record,
// load; one request at a time, and 8 at once (as several compliance
// officers or a batch client would). Run with -benchtime 1000x for the
// README's figure.
func BenchmarkOnboard(b *testing.B) {
	env := onboardtest.NewEnv(b, "Org3MSP")
	svc, _ := env.Open(b)
	ctx := context.Background()
	var seq atomic.Int64
	onboardOne := func(b *testing.B) {
		name := fmt.Sprintf("inv-%07d", seq.Add(1))
		if _, _, err := svc.Onboard(ctx, onboard.Request{Name: name, Role: roles.Investor}); err != nil {
			b.Error(err)
		}
	}
	b.Run("serial", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			onboardOne(b)
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "identities/s")
	})
	b.Run("parallel8", func(b *testing.B) {
		b.SetParallelism(8 / runtime.GOMAXPROCS(0))
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				onboardOne(b)
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "identities/s")
	})
}

// TestOnboardResumesAfterInterruption: an onboarding that registered the
// identity at the CA but could not finish (here the wallet refuses the
// key: a stale key file of that name) completes when retried, enrolling
// the registered identity with the secret the gateway kept, instead of
// finding the name taken for good.
func TestOnboardResumesAfterInterruption(t *testing.T) {
	env := onboardtest.NewEnv(t, "Org3MSP")
	svc, loader := env.Open(t)
	ctx := context.Background()
	stale := filepath.Join(env.Config.DataDir, "wallet", "keys", "carol_sk")
	if err := os.WriteFile(stale, []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Onboard(ctx, onboard.Request{Name: "carol", Role: roles.Investor}); err == nil {
		t.Fatal("onboarded over a stale key file")
	}
	if _, err := env.CA.Client(t).Register(ctx, caclient.Registration{ID: "carol", Type: "client"}); !caclient.HasCode(err, caclient.CodeIdentityRegistered) {
		t.Fatalf("carol is not registered at the CA after the first attempt: %v", err)
	}
	rec, _, err := svc.Onboard(ctx, onboard.Request{Name: "carol", Role: roles.Investor})
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if !loader.Loaded("carol") || rec.Name != "carol" {
		t.Fatalf("after the retry: %+v", rec)
	}
	if _, err := os.Stat(filepath.Join(env.Config.DataDir, "wallet", "identities", "carol.pending")); !os.IsNotExist(err) {
		t.Fatalf("the pending secret outlived the onboarding: %v", err)
	}
}

// A rates desk is onboarded like an investor: its role goes into its
// certificate and its new API user acts with that role alone.
func TestOnboardRatesDesk(t *testing.T) {
	env := onboardtest.NewEnv(t, "Org2MSP")
	env.Config.Users = []config.User{{Name: "admin"}}
	svc, _ := env.Open(t)
	rec, token, err := svc.Onboard(context.Background(), onboard.Request{Name: "rates-desk-1", Role: roles.Rates, CreatedBy: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	user, ok := svc.UserByToken(sha256.Sum256([]byte(token)))
	if !ok || rec.Role != "rates" || len(user.Roles) != 1 || user.Roles[0] != "rates" {
		t.Fatalf("record %+v, user %+v %v: want the role rates", rec, user, ok)
	}
}
