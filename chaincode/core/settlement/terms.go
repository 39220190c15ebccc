package settlement

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
	"github.com/tranchenet/tranchenet/chaincode/core/errs"
	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
)

// Kind says where the units come from.
type Kind string

const (
	// KindTrade is a secondary trade: an investor sells units it holds.
	KindTrade Kind = "trade"
	// KindIssuance is primary issuance: units leave the SPV's issuance
	// account (kept by the trustee) for a first investor, under the same
	// transfer rules as a trade (rules.KindIssue).
	KindIssuance Kind = "issuance"
)

// PaymentMode says where the cash leg moves.
type PaymentMode string

const (
	// PaymentLedger: the buyer's cash tokens move in the settling
	// transaction itself (BIS DvP model 1).
	PaymentLedger PaymentMode = "ledger"
	// PaymentRTGS: cash moves in an RTGS outside the ledger. Settling locks
	// the units; the seller's bank confirms receipt of payment to release
	// them to the buyer, or they return to the seller at the deadline.
	PaymentRTGS PaymentMode = "rtgs"
)

// Terms are what a seller and a buyer agreed, as each side's bank instructs
// them. Both banks store exactly Canonical() of the same terms in their own
// implicit collection, so the two private-data hashes on the ledger are
// equal exactly when the banks agree; no bank learns the other's values
// from the ledger.
//
// The side (deliver or receive) is not part of the terms: it is in the
// key, so both sides store identical bytes. Nonce is a secret both banks
// agree off-ledger (at least 128 random bits): without it the public hash
// of a trade with guessable terms (known parties, round amounts) could be
// found by trying candidates.
type Terms struct {
	// TradeRef identifies the settlement on the ledger: it is the key of
	// the public status record, so it must not carry confidential content.
	TradeRef string `json:"tradeRef"`
	Kind     Kind   `json:"kind"`
	Tranche  string `json:"tranche"`
	// Seller is the selling holder's identity key (roles.Identity.Key) for
	// a trade, and empty for an issuance.
	Seller string `json:"seller,omitempty"`
	// Issuer is the MSP of the organisation that delivers from the SPV's
	// issuance account (its arranger instructs) for an issuance, and empty
	// for a trade.
	Issuer string `json:"issuer,omitempty"`
	// Proceeds (issuance only) is the identity key whose cash account
	// receives the purchase price: the SPV's account at its custodian.
	Proceeds string `json:"proceeds,omitempty"`
	// Buyer is the receiving holder's identity key.
	Buyer string       `json:"buyer"`
	Units int64        `json:"units"`
	Cash  money.Amount `json:"cash"`
	// SettlementDate is the intended settlement date (YYYY-MM-DD, UTC):
	// the trade does not settle before it.
	SettlementDate string `json:"settlementDate"`
	// Expiry ends the instructions: after it nothing settles and Expire
	// releases every hold.
	Expiry  time.Time   `json:"expiry"`
	Payment PaymentMode `json:"payment"`
	// PaymentDeadline (RTGS only) is when locked units return to the
	// seller unless its bank has confirmed payment. It is not before
	// Expiry, so a trade locked in time always has a deadline ahead.
	PaymentDeadline time.Time `json:"paymentDeadline,omitzero"`
	Nonce           string    `json:"nonce"`
}

// Limits of the terms' fields.
const (
	MaxTradeRefLen = 64
	MaxTrancheLen  = 64
	MinNonceHexLen = 32 // 128 bits
	MaxNonceHexLen = 128
	dateLayout     = "2006-01-02"
)

// DecodeTerms reads terms as a client sends them (in the transient map):
// strict JSON (unknown or duplicate fields, floats and trailing data are
// refused), validated, with times normalised to UTC so that the same
// terms give the same Canonical bytes whatever time zone a bank wrote.
// Every error is BAD_INPUT and names the field.
func DecodeTerms(b []byte) (Terms, error) {
	var t Terms
	if err := canon.Unmarshal(b, &t); err != nil {
		return Terms{}, err
	}
	t = t.normalised()
	if err := t.Validate(); err != nil {
		return Terms{}, err
	}
	return t, nil
}

func (t Terms) normalised() Terms {
	t.Expiry = t.Expiry.UTC()
	if !t.PaymentDeadline.IsZero() {
		t.PaymentDeadline = t.PaymentDeadline.UTC()
	}
	return t
}

// Validate checks every field; the error is BAD_INPUT and names the first
// field at fault.
func (t Terms) Validate() error {
	if p := refProblem(t.TradeRef, MaxTradeRefLen); p != "" {
		return errs.Field("tradeRef", "%s", p)
	}
	if p := refProblem(t.Tranche, MaxTrancheLen); p != "" {
		return errs.Field("tranche", "%s", p)
	}
	switch t.Kind {
	case KindTrade:
		if t.Issuer != "" {
			return errs.Field("issuer", "only an issuance names an issuer; a trade names its seller")
		}
		if t.Proceeds != "" {
			return errs.Field("proceeds", "only an issuance names a proceeds account; a trade pays its seller")
		}
		if _, err := roles.ParseKey(t.Seller); err != nil {
			return errs.Field("seller", "%s", messageOf(err))
		}
	case KindIssuance:
		if t.Seller != "" {
			return errs.Field("seller", "an issuance delivers from the SPV's issuance account; leave seller empty and name the issuer")
		}
		if err := roles.ValidMSP(t.Issuer); err != nil {
			return errs.Field("issuer", "%s", messageOf(err))
		}
		if _, err := roles.ParseKey(t.Proceeds); err != nil {
			return errs.Field("proceeds", "%s (the account that receives the purchase price)", messageOf(err))
		}
	default:
		return errs.Field("kind", "unknown kind %q (want %s or %s)", t.Kind, KindTrade, KindIssuance)
	}
	if _, err := roles.ParseKey(t.Buyer); err != nil {
		return errs.Field("buyer", "%s", messageOf(err))
	}
	if t.Buyer == t.Payee() {
		return errs.Field("buyer", "the buyer %s would pay itself", t.Buyer)
	}
	if t.Units <= 0 {
		return errs.Field("units", "must be positive, got %d", t.Units)
	}
	if t.Cash <= 0 || t.Cash > money.MaxAmount {
		return errs.Field("cash", "must be positive and at most %s, got %s", money.MaxAmount, t.Cash)
	}
	isd, err := time.Parse(dateLayout, t.SettlementDate)
	if err != nil {
		return errs.Field("settlementDate", "%q is not a date YYYY-MM-DD", t.SettlementDate)
	}
	if p := instantProblem(t.Expiry); p != "" {
		return errs.Field("expiry", "%s", p)
	}
	if !t.Expiry.After(isd) {
		return errs.Field("expiry", "%s is not after the start of the intended settlement date %s", stamp(t.Expiry), t.SettlementDate)
	}
	switch t.Payment {
	case PaymentLedger:
		if !t.PaymentDeadline.IsZero() {
			return errs.Field("paymentDeadline", "only an rtgs settlement has a payment deadline")
		}
	case PaymentRTGS:
		if t.Kind == KindIssuance {
			return errs.Field("payment", "a primary issuance settles against the cash token (%s); %s is for trades", PaymentLedger, PaymentRTGS)
		}
		if p := instantProblem(t.PaymentDeadline); p != "" {
			return errs.Field("paymentDeadline", "%s", p)
		}
		if t.PaymentDeadline.Before(t.Expiry) {
			return errs.Field("paymentDeadline", "%s is before expiry %s", stamp(t.PaymentDeadline), stamp(t.Expiry))
		}
	default:
		return errs.Field("payment", "unknown payment mode %q (want %s or %s)", t.Payment, PaymentLedger, PaymentRTGS)
	}
	if n := len(t.Nonce); n < MinNonceHexLen || n > MaxNonceHexLen || strings.Trim(t.Nonce, "0123456789abcdef") != "" {
		return errs.Field("nonce", "must be %d to %d lower-case hex digits (at least 128 random bits both banks agree off-ledger), got %d characters",
			MinNonceHexLen, MaxNonceHexLen, n)
	}
	return nil
}

// SellerBank is the MSP of the delivering organisation: the seller's
// custodian for a trade, the issuer for an issuance.
func (t Terms) SellerBank() string {
	if t.Kind == KindIssuance {
		return t.Issuer
	}
	return mspOf(t.Seller)
}

// Payee is the identity key paid the cash: the seller for a trade, the
// proceeds account for an issuance.
func (t Terms) Payee() string {
	if t.Kind == KindIssuance {
		return t.Proceeds
	}
	return t.Seller
}

// BuyerBank is the MSP of the buyer's custodian.
func (t Terms) BuyerBank() string { return mspOf(t.Buyer) }

// Canonical is the byte string each bank stores for the terms: canonical
// JSON (package canon), the same on every peer and for every bank.
func (t Terms) Canonical() ([]byte, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return canon.Marshal(t.normalised())
}

// Hash is SHA-256 of Canonical: what GetPrivateDataHash returns for either
// side's stored instruction.
func (t Terms) Hash() ([]byte, error) {
	b, err := t.Canonical()
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(b)
	return h[:], nil
}

// HashHex is Hash in lower-case hex, as the public record shows it.
func (t Terms) HashHex() (string, error) {
	h, err := t.Hash()
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h), nil
}

// SettleableAt refuses a settlement attempt before the intended settlement
// date (compared as UTC dates) with WRONG_STATE.
func (t Terms) SettleableAt(now time.Time) error {
	isd, err := time.Parse(dateLayout, t.SettlementDate)
	if err != nil {
		return errs.Field("settlementDate", "%q is not a date YYYY-MM-DD", t.SettlementDate)
	}
	if now.UTC().Before(isd) {
		return errs.New(errs.WrongState, "settlement %s: intended settlement date %s not reached (transaction time %s)",
			t.TradeRef, t.SettlementDate, stamp(now))
	}
	return nil
}

// refProblem checks an identifier used inside composite keys: 1 to max
// characters from A-Z a-z 0-9 . _ -, starting with a letter or digit (the
// rule the contracts apply to every object ID).
func refProblem(s string, max int) string {
	if s == "" || len(s) > max {
		return "must have 1 to " + itoa(max) + " characters"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || !strings.ContainsRune("._-", rune(c))) {
			if !utf8.ValidString(s) {
				return "is not valid UTF-8"
			}
			return "character " + quoteRune(s, i) + " not allowed (letters, digits, . _ -; first a letter or digit)"
		}
	}
	return ""
}

// instantProblem refuses a missing time and one that canonical JSON cannot
// carry (years outside 1–9999 after conversion to UTC).
func instantProblem(t time.Time) string {
	if t.IsZero() {
		return "required (RFC 3339 time)"
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return "year " + itoa(y) + " is out of range 1–9999"
	}
	return ""
}

func mspOf(identityKey string) string {
	msp, _, _ := strings.Cut(identityKey, "/")
	return msp
}
