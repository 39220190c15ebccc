// Package rules decides whether units of a tranche may move: the transfer
// rules checked on every issuance, transfer, forced transfer, redemption and
// settlement, and answered without writing by CanTransfer.
//
// Check is one pure function of the tranche's rules, the request and the
// ledger state, so that every endorsing peer, the contracts and the gateway's
// pre-checks reach the same verdict. It returns the first rule that fails,
// checking in rule-number order, as an *errs.Error carrying the rule's
// code and number:
//
//	[RULE_JURISDICTION_BLOCKED] transfer refused: receiver jurisdiction US-NY not allowed for tranche A (allowed: DE, GB) (rule 4)
//
// # Rules
//
// Numbers and codes are stable; new rules get new numbers. Parties: s =
// sender, r = receiver, "–" = not checked for that kind. Within a rule the
// sender is checked before the receiver.
//
//	 #  code                        refuses when                                         issue transfer forced redeem
//	 1  RULE_PAUSED                 the tranche is paused (or the deal stopped transfers)   ✓     ✓       –      ✓
//	 2  RULE_NOT_CONSORTIUM         a party's MSP is not in ConsortiumMSPs                  r     s r     r      s
//	 3  RULE_INVESTOR_TYPE          the receiver's investor type is not eligible            r     r       r      –
//	 4  RULE_JURISDICTION_BLOCKED   the receiver's jurisdiction is blocked, outside the     r     r       r      –
//	                                allowed list, or too coarse to tell (US vs US-NY)
//	 5  RULE_NOT_ATTESTED           a party has no claims, revoked claims, or claims        r     s r     r      s
//	                                attested by an MSP other than its own
//	 6  RULE_KYC_EXPIRED            a party's KYC expiry is missing or not after the        r     s r     r      s
//	                                transaction time
//	 7  RULE_ACCREDITATION_EXPIRED  accreditation is required and the receiver's is         r     r       r      –
//	                                missing or not after the transaction time
//	 8  RULE_FROZEN                 a party is frozen, or the sender's unfrozen units       r     s r     r      s
//	                                are fewer than requested
//	 9  RULE_LOCKUP                 the transaction time is before LockupUntil              –     ✓       –      –
//	10  RULE_INSUFFICIENT_UNITS     the sender holds fewer units than requested             –     s       s      s
//	11  RULE_DENOMINATION           units are below MinDenomination or not MinDenomination  ✓     ✓       ✓      ✓
//	                                plus a multiple of DenominationIncrement
//	12  RULE_MIN_HOLDING            a party's resulting non-zero holding is below           r     s r     r      s
//	                                MinHolding
//	13  RULE_MAX_BALANCE            the receiver's resulting holding exceeds                r     r       r      –
//	                                MaxBalancePerHolder
//	14  RULE_MAX_HOLDERS            the movement raises the number of holders above         ✓     ✓       ✓      –
//	                                MaxHolders
//
// Rules 3 and 4 read the receiver's claims only once they are valid: a
// receiver without valid claims fails rule 5 instead.
//
// # Kinds
//
// Issuance checks no sender: units are created, or delivered from the
// issuer's account, which is not an investor. Lock-up restricts investors
// trading, not the issuer placing units.
//
// A forced transfer is the trustee executing a court order or recovering
// lost keys. The order overrides the holder's side: pause, the sender's
// membership, attestation, KYC and freeze (a freeze is often the very
// reason for the order), lock-up and the sender's minimum holding. It does
// not make an ineligible receiver eligible, nor create units: every
// receiver rule, denomination, the sender's balance and the holder limits
// still apply. The contract logs the trustee's reason.
//
// Redemption returns units to the issuer. The redeeming holder must still
// pass membership, attestation, KYC (cash is paid to it) and freeze, keep
// no remainder below the minimum holding, and redeem whole denominations;
// lock-up does not apply, because the deal terms decide when redemption is
// open.
//
// Transferring to oneself is malformed (BAD_INPUT), not a rule refusal.
// Malformed requests are BAD_INPUT, inconsistent ledger state (negative
// holdings, invalid stored rules) is INTERNAL, and a receiver holding that
// would overflow int64 is OVERFLOW; all are reported before any rule.
package rules

import (
	"slices"

	"github.com/tranchenet/tranchenet/chaincode/core/errs"
)

// Rule documents one transfer rule.
type Rule struct {
	Number      int       `json:"number"`
	Code        errs.Code `json:"code"`
	Description string    `json:"description"`
	Kinds       []Kind    `json:"kinds"` // the kinds of movement it is checked for
}

var (
	allKinds        = []Kind{KindIssue, KindTransfer, KindForced, KindRedeem}
	receivingKinds  = []Kind{KindIssue, KindTransfer, KindForced}
	notForcedKinds  = []Kind{KindIssue, KindTransfer, KindRedeem}
	sendingKinds    = []Kind{KindTransfer, KindForced, KindRedeem}
	transferOnly    = []Kind{KindTransfer}
	ruleDefinitions = []ruleDef{
		{Rule{1, errs.RulePaused, "tranche paused or transfers stopped", notForcedKinds}, checkPaused},
		{Rule{2, errs.RuleNotConsortium, "a party's MSP is not a consortium member", allKinds}, checkConsortium},
		{Rule{3, errs.RuleInvestorType, "receiver's investor type not eligible", receivingKinds}, checkInvestorType},
		{Rule{4, errs.RuleJurisdictionBlocked, "receiver's jurisdiction blocked or not allowed", receivingKinds}, checkJurisdiction},
		{Rule{5, errs.RuleNotAttested, "a party has no valid compliance attestation", allKinds}, checkAttested},
		{Rule{6, errs.RuleKYCExpired, "a party's KYC missing or expired", allKinds}, checkKYC},
		{Rule{7, errs.RuleAccreditationExpired, "receiver's accreditation missing or expired", receivingKinds}, checkAccreditation},
		{Rule{8, errs.RuleFrozen, "a party or the requested units are frozen", allKinds}, checkFrozen},
		{Rule{9, errs.RuleLockup, "tranche in lock-up", transferOnly}, checkLockup},
		{Rule{10, errs.RuleInsufficientUnits, "sender holds fewer units than requested", sendingKinds}, checkUnits},
		{Rule{11, errs.RuleDenomination, "amount not an allowed denomination", allKinds}, checkDenomination},
		{Rule{12, errs.RuleMinHolding, "a resulting holding below the minimum", allKinds}, checkMinHolding},
		{Rule{13, errs.RuleMaxBalance, "receiver's resulting holding above the maximum per holder", receivingKinds}, checkMaxBalance},
		{Rule{14, errs.RuleMaxHolders, "number of holders above the maximum", receivingKinds}, checkMaxHolders},
	}
)

// ruleDef pairs a rule with its check, which returns why the movement is
// refused, or "" to pass. It is only called for the rule's kinds.
type ruleDef struct {
	Rule
	check func(*movement) string
}

// Rules lists every transfer rule in number (and checking) order.
func Rules() []Rule {
	out := make([]Rule, len(ruleDefinitions))
	for i, d := range ruleDefinitions {
		out[i] = d.Rule
		out[i].Kinds = slices.Clone(d.Kinds)
	}
	return out
}
