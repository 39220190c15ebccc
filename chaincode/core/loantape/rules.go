package loantape

import "slices"

// Rule names. Each is a stable code: the gateway shows it to servicers,
// tests assert it, and it never changes meaning. The list with a sentence
// per rule is [Rules].
const (
	// File-level: reading cannot go on.
	RuleRead            = "read"
	RuleHeader          = "header"
	RuleMissingColumn   = "missing-column"
	RuleDuplicateColumn = "duplicate-column"
	RuleXMLSyntax       = "xml-syntax"
	RuleXMLRoot         = "xml-root"

	// Row-level, found while reading: the row yields no record.
	RuleCSVSyntax    = "csv-syntax"
	RuleFieldCount   = "field-count"
	RuleXMLStructure = "xml-structure"
	RuleRequired     = "required"
	RuleNumber       = "number"
	RuleDate         = "date"

	// Record rules, checked by the validators.
	RuleNegativeAmount     = "negative-amount"
	RuleRateRange          = "rate-range"
	RuleRange              = "range"
	RulePeriodOrder        = "period-order"
	RuleBalanceRollforward = "balance-rollforward"
	RulePaymentSplit       = "payment-split"
	RuleZeroBalanceCode    = "zero-balance-code"
	RuleCodeWithBalance    = "code-with-balance"
	RuleChargeoffCode      = "chargeoff-code"
	RuleCutoffBalance      = "cutoff-balance"
	RuleBalanceOverOrig    = "balance-exceeds-original"
	RuleTermOverOrig       = "term-exceeds-original"
	RuleDateOrder          = "date-order"

	// Rules across rows of one file.
	RuleDuplicateAsset    = "duplicate-asset"
	RuleUnknownAsset      = "unknown-asset"
	RuleBalanceContinuity = "balance-continuity"
	RulePeriodMismatch    = "period-mismatch"
	RuleOverflow          = "overflow"

	// Declared totals against the sum of the rows.
	RuleTotals = "totals"
)

// RuleInfo documents one rule.
type RuleInfo struct {
	Name string
	// Fatal rules stop reading: nothing after them can be trusted.
	Fatal bool
	// Skippable rules may be switched off per issuer through
	// ReportRules.Skip / TapeRules.Skip, because servicers differ on the
	// convention they check. The others guard identities the waterfall
	// relies on and cannot be switched off.
	Skippable bool
	Doc       string
}

var ruleTable = []RuleInfo{
	{Name: RuleRead, Fatal: true, Doc: "the input could not be read (the cause is wrapped)"},
	{Name: RuleHeader, Fatal: true, Doc: "the CSV file has no readable header row"},
	{Name: RuleMissingColumn, Fatal: true, Doc: "a required column is missing from the CSV header"},
	{Name: RuleDuplicateColumn, Fatal: true, Doc: "two CSV header cells name the same element"},
	{Name: RuleXMLSyntax, Fatal: true, Doc: "the XML is not well-formed"},
	{Name: RuleXMLRoot, Fatal: true, Doc: "the root element is not assetData in the EX-102 autoloan namespace (or no namespace)"},

	{Name: RuleCSVSyntax, Doc: "the CSV row is malformed (stray quote, unterminated quoted field)"},
	{Name: RuleFieldCount, Doc: "the CSV row has a different number of cells than the header"},
	{Name: RuleXMLStructure, Doc: "an element inside assets holds child elements instead of text"},
	{Name: RuleRequired, Doc: "a required element is missing or empty"},
	{Name: RuleNumber, Doc: "a value is not a plain decimal or whole number (no exponents, no thousands separators)"},
	{Name: RuleDate, Doc: "a date is not MM-DD-YYYY / YYYY-MM-DD, or a month not MM/YYYY / YYYY-MM, or the day does not exist"},

	{Name: RuleNegativeAmount, Doc: "an amount other than otherPrincipalAdjustmentAmount is negative"},
	{Name: RuleRateRange, Skippable: true, Doc: "a rate is outside [0, 1): rates are fractions, 0.0687 not 6.87"},
	{Name: RuleRange, Skippable: true, Doc: "a term, day count or credit score is outside its plausible range"},
	{Name: RulePeriodOrder, Doc: "reportingPeriodBeginningDate is after reportingPeriodEndingDate"},
	{Name: RuleBalanceRollforward, Doc: "ending balance != beginning − principal collected − charged off − other adjustments, to the cent"},
	{Name: RulePaymentSplit, Skippable: true, Doc: "totalActualAmountPaid != interest + principal + other collected"},
	{Name: RuleZeroBalanceCode, Skippable: true, Doc: "the ending balance is zero but zeroBalanceCode is missing"},
	{Name: RuleCodeWithBalance, Skippable: true, Doc: "zeroBalanceCode is set but the ending balance is not zero"},
	{Name: RuleChargeoffCode, Skippable: true, Doc: "principal was charged off but zeroBalanceCode is missing (a charge-off closes the loan)"},
	{Name: RuleCutoffBalance, Doc: "a loan on the tape has no positive cut-off balance"},
	{Name: RuleBalanceOverOrig, Skippable: true, Doc: "the cut-off balance exceeds originalLoanAmount"},
	{Name: RuleTermOverOrig, Skippable: true, Doc: "remainingTermToMaturityNumber exceeds originalLoanTerm"},
	{Name: RuleDateOrder, Skippable: true, Doc: "loanMaturityDate is before originationDate"},

	{Name: RuleDuplicateAsset, Doc: "an assetNumber appears twice in one file"},
	{Name: RuleUnknownAsset, Doc: "a report row names a loan that is not in the pool"},
	{Name: RuleBalanceContinuity, Doc: "the beginning balance differs from the loan's previous ending balance"},
	{Name: RulePeriodMismatch, Doc: "the row's period (or the tape's cut-off date) differs from the file's"},
	{Name: RuleOverflow, Doc: "a sum of amounts left the range money.Amount can hold"},

	{Name: RuleTotals, Doc: "a declared total differs from the sum of the rows"},
}

// Rules lists every rule with its documentation, in a fixed order.
func Rules() []RuleInfo { return slices.Clone(ruleTable) }

func ruleInfo(name string) (RuleInfo, bool) {
	for _, r := range ruleTable {
		if r.Name == name {
			return r, true
		}
	}
	return RuleInfo{}, false
}
