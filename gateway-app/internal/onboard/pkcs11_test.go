//go:build pkcs11

package onboard_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/gateway-app/internal/onboard"
	"github.com/tranchenet/tranchenet/gateway-app/internal/onboard/onboardtest"
	"github.com/tranchenet/tranchenet/gateway-app/internal/wallet/wallettest"
)

// TestOnboardIntoHSM onboards an investor whose key is generated in a
// SoftHSM token: the CSR and later signatures come from the token, no key
// file is written, and a restart signs with the same token key.
func TestOnboardIntoHSM(t *testing.T) {
	hsm := wallettest.SoftHSM(t)
	env := onboardtest.NewEnv(t, "Org3MSP")
	env.Config.CA.Wallet.PKCS11 = &hsm
	ctx := context.Background()
	svc, _ := env.Open(t)
	rec, _, err := svc.Onboard(ctx, onboard.Request{Name: "hsm-investor", Role: roles.Investor})
	if err != nil {
		t.Fatal(err)
	}
	if keys, _ := filepath.Glob(filepath.Join(env.Config.DataDir, "wallet", "keys", "*")); len(keys) > 0 {
		t.Fatalf("key files written for an HSM wallet: %v", keys)
	}
	svc.Close()
	svc, loader := env.Open(t)
	info, ok := svc.Identity("hsm-investor")
	if !ok || info.ID.Key() != rec.IdentityKey {
		t.Fatalf("after a restart: %+v %v", info, ok)
	}
	digest := sha256.Sum256([]byte("proposal"))
	sig, err := loader.Signs["hsm-investor"](digest[:])
	if err != nil || !ecdsa.VerifyASN1(info.Certificate.PublicKey.(*ecdsa.PublicKey), digest[:], sig) {
		t.Fatalf("the token's signature does not verify with the enrolled certificate: %v", err)
	}
	if _, err := svc.Revoke(ctx, "hsm-investor", "compliance"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(env.Config.DataDir, "wallet", "identities", "hsm-investor.json")); err != nil {
		t.Fatalf("the revoked identity's record: %v", err)
	}
}
