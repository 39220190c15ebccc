package errs

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{New(NotFound, "deal %s not found", "D1"), "[NOT_FOUND] deal D1 not found"},
		{Field("units", "must be positive, got %d", -5), "[BAD_INPUT] units: must be positive, got -5"},
		{Field("", "empty body"), "[BAD_INPUT] empty body"},
		{
			Refuse(RuleJurisdictionBlocked, 4, "transfer refused: receiver jurisdiction %s not allowed for tranche %s", "US-NY", "A"),
			"[RULE_JURISDICTION_BLOCKED] transfer refused: receiver jurisdiction US-NY not allowed for tranche A (rule 4)",
		},
		{&Error{Code: Forbidden, Msg: "role trustee required"}, "[FORBIDDEN] role trustee required"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	if f := Field("units", "x"); f.Field != "units" || f.Code != BadInput {
		t.Errorf("Field: got code %s field %q", f.Code, f.Field)
	}
}

func TestCodeOfSeesThroughWrapping(t *testing.T) {
	base := Refuse(RuleFrozen, 8, "sender frozen")
	wrapped := fmt.Errorf("token transfer: %w", base)
	if got := CodeOf(wrapped); got != RuleFrozen {
		t.Fatalf("CodeOf(wrapped) = %q", got)
	}
	if !Is(wrapped, RuleFrozen) || Is(wrapped, Forbidden) {
		t.Fatal("Is disagrees with CodeOf")
	}
	if CodeOf(nil) != "" || CodeOf(io.EOF) != "" || Is(nil, "") {
		t.Fatal("errors without a code must have code \"\"")
	}
}

func TestWrapKeepsCodeAndCause(t *testing.T) {
	inner := Field("minHolding", "must not be negative")
	err := Wrap(inner, "tranche %s", "A")
	if got, want := err.Error(), "[BAD_INPUT] tranche A: minHolding: must not be negative"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Field != "minHolding" || e.Code != BadInput {
		t.Fatalf("wrapped error lost its field or code: %+v", e)
	}
	if !errors.Is(err, inner) {
		t.Fatal("Wrap must keep the cause reachable")
	}

	rule := Wrap(Refuse(RuleLockup, 9, "locked"), "settlement S1")
	if got := rule.Error(); got != "[RULE_LOCKUP] settlement S1: locked (rule 9)" {
		t.Fatalf("got %q", got)
	}

	plain := Wrap(io.ErrUnexpectedEOF, "read deal %s", "D1")
	if CodeOf(plain) != Internal || !errors.Is(plain, io.ErrUnexpectedEOF) {
		t.Fatalf("plain error should become INTERNAL and keep its cause: %v", plain)
	}
	if !strings.Contains(plain.Error(), "read deal D1: unexpected EOF") {
		t.Fatalf("got %q", plain.Error())
	}
	if Wrap(nil, "x") != nil {
		t.Fatal("Wrap(nil) must be a nil error interface")
	}
}

func TestParseRoundTripsEveryCode(t *testing.T) {
	prefixes := []string{
		"",
		"chaincode response 500, ",
		"rpc error: code = Unknown desc = evaluate call to endorser returned error: chaincode response 500, ",
		"[peer0.org1] endorsement failed: ",
	}
	for _, ci := range Codes() {
		for _, rule := range []int{0, 4, 13} {
			e := &Error{Code: ci.Code, Rule: rule, Msg: "deal D1: value 5 above limit 3 [sic]"}
			for _, p := range prefixes {
				code, gotRule, msg, ok := Parse(p + e.Error())
				if !ok || code != ci.Code || gotRule != rule || msg != e.Msg {
					t.Errorf("Parse(%q) = %q, %d, %q, %v", p+e.Error(), code, gotRule, msg, ok)
				}
			}
		}
	}
}

func TestParseEdgeCases(t *testing.T) {
	tests := []struct {
		text     string
		code     Code
		rule     int
		msg      string
		ok       bool
		testName string
	}{
		{"no code here", "", 0, "", false, "plain text"},
		{"[lowercase] x", "", 0, "", false, "lower-case token is not a code"},
		{"[FUTURE_CODE] added later", "FUTURE_CODE", 0, "added later", true, "unknown but well-formed code"},
		{"[STAGE_1] chaincode response 500, [NOT_FOUND] deal D9", NotFound, 0, "deal D9", true, "known code beats earlier unknown token"},
		{"[NOT_FOUND]", NotFound, 0, "", true, "code without message"},
		{"[NOT_FOUND]x", "", 0, "", false, "code must be followed by a space"},
		{"[BAD_INPUT] text mentions (rule 4) in the middle", BadInput, 0, "text mentions (rule 4) in the middle", true, "rule only as suffix"},
		{"[RULE_PAUSED] paused (rule x)", RulePaused, 0, "paused (rule x)", true, "non-numeric rule stays in message"},
		{"[RULE_PAUSED] paused (rule +1)", RulePaused, 0, "paused (rule +1)", true, "signed rule stays in message"},
	}
	for _, tt := range tests {
		code, rule, msg, ok := Parse(tt.text)
		if code != tt.code || rule != tt.rule || msg != tt.msg || ok != tt.ok {
			t.Errorf("%s: Parse(%q) = %q, %d, %q, %v; want %q, %d, %q, %v",
				tt.testName, tt.text, code, rule, msg, ok, tt.code, tt.rule, tt.msg, tt.ok)
		}
	}
}

func TestHTTPStatus(t *testing.T) {
	want := map[Code]int{
		BadInput:            400,
		Unauthenticated:     401,
		Forbidden:           403,
		NotFound:            404,
		AlreadyExists:       409,
		Conflict:            409,
		WrongState:          409,
		InsufficientBalance: 422,
		LimitExceeded:       422,
		Overflow:            422,
		Internal:            500,
		"NO_SUCH_CODE":      500,
		"":                  500,
	}
	for code, status := range want {
		if got := HTTPStatus(code); got != status {
			t.Errorf("HTTPStatus(%q) = %d, want %d", code, got, status)
		}
	}
	for _, ci := range Codes() {
		if strings.HasPrefix(string(ci.Code), "RULE_") && HTTPStatus(ci.Code) != http.StatusUnprocessableEntity {
			t.Errorf("rule code %s maps to %d, want 422", ci.Code, HTTPStatus(ci.Code))
		}
	}
}

func TestCodesTable(t *testing.T) {
	seen := map[Code]bool{}
	for _, ci := range Codes() {
		if seen[ci.Code] {
			t.Errorf("code %s listed twice", ci.Code)
		}
		seen[ci.Code] = true
		if ci.Description == "" || ci.Status < 400 || ci.Status > 599 {
			t.Errorf("code %s: incomplete entry %+v", ci.Code, ci)
		}
		for i := 0; i < len(ci.Code); i++ {
			if !isCodeByte(ci.Code[i]) {
				t.Errorf("code %s has a character Parse cannot read", ci.Code)
			}
		}
		if !Known(ci.Code) {
			t.Errorf("Known(%s) = false", ci.Code)
		}
	}
	c := Codes()
	c[0].Code = "MUTATED"
	if Codes()[0].Code == "MUTATED" {
		t.Fatal("Codes must return a copy")
	}
}
