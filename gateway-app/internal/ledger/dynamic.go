package ledger

import (
	"crypto/x509"
	"fmt"
	"slices"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
)

// AddIdentity loads an identity enrolled while the app runs (onboarding):
// its certificate and a signer from the wallet. Transactions can name it
// as soon as this returns.
func (g *Gateway) AddIdentity(name string, cert *x509.Certificate, sign identity.Sign) (IdentityInfo, error) {
	li, err := newLoadedIdentity(g.msp, name, cert, sign)
	if err != nil {
		return IdentityInfo{}, err
	}
	if err := g.add(li); err != nil {
		return IdentityInfo{}, err
	}
	return li.info, nil
}

// RemoveIdentity unloads an onboarded identity (it was revoked): later
// transactions naming it fail with ErrNoIdentity. Identities of the
// configuration cannot be removed.
func (g *Gateway) RemoveIdentity(name string) error {
	for _, c := range g.cfg.Identities {
		if c.Name == name {
			return fmt.Errorf("identity %s comes from the configuration and stays loaded", name)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.infos[name]; !ok {
		return nil
	}
	for _, pc := range g.peers {
		if s, ok := pc.ids[name]; ok {
			s.gw.Close()
			delete(pc.ids, name)
		}
	}
	delete(g.infos, name)
	g.names = slices.DeleteFunc(g.names, func(n string) bool { return n == name })
	return nil
}
