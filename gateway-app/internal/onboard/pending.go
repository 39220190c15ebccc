package onboard

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"github.com/tranchenet/tranchenet/gateway-app/internal/wallet"
)

// pending is an onboarding whose registration may have reached the CA but
// whose enrollment did not complete (the CA unreachable in between, a
// crash): the secret the gateway chose, kept 0600 next to the records, so
// that a retry enrolls the registered identity instead of finding its name
// taken for good.
type pending struct {
	Secret string `json:"secret"`
	Role   string `json:"role"`
}

func (s *Service) pendingPath(name string) string {
	return filepath.Join(s.recordDir, name+".pending")
}

// readPending returns the pending onboarding of name, or nil.
func (s *Service) readPending(name string) (*pending, error) {
	raw, err := os.ReadFile(s.pendingPath(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var p pending
	return &p, json.Unmarshal(raw, &p)
}

// startPending records a new onboarding of name with a fresh secret.
func (s *Service) startPending(name, role string) (*pending, error) {
	var b [16]byte
	rand.Read(b[:])
	p := &pending{Secret: hex.EncodeToString(b[:]), Role: role}
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return p, wallet.WriteFileAtomic(s.pendingPath(name), raw, 0o600)
}

func (s *Service) clearPending(name string) { os.Remove(s.pendingPath(name)) }
