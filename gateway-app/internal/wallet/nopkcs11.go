//go:build !pkcs11

package wallet

import (
	"errors"

	"github.com/tranchenet/tranchenet/gateway-app/config"
)

// openPKCS11 without the pkcs11 build tag: PKCS#11 needs cgo and the
// module's library, so it is compiled in only on request.
func openPKCS11(config.PKCS11, string) (Wallet, error) {
	return nil, errors.New("wallet.pkcs11: this gateway-app was built without PKCS#11 support (go build -tags pkcs11)")
}
