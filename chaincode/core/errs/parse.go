package errs

import (
	"strconv"
	"strings"
)

// Parse recovers code, rule number and message from the text of an error
// rendered by (*Error).Error, as a client receives it: the text may carry
// a prefix added on the way, e.g.
//
//	rpc error: code = Unknown desc = chaincode response 500, [FORBIDDEN] role trustee required
//
// Parse takes the first "[CODE] " whose CODE is a known code (see Codes);
// failing that, the first bracketed token shaped like a code (upper-case
// letters, digits and underscores), so that codes added by a newer
// chaincode still parse. A trailing " (rule N)" is split off into rule.
// ok is false when the text holds no code.
func Parse(text string) (code Code, rule int, msg string, ok bool) {
	start, end := -1, -1
	for i := 0; i < len(text); i++ {
		if text[i] != '[' {
			continue
		}
		j := i + 1
		for j < len(text) && isCodeByte(text[j]) {
			j++
		}
		if j == i+1 || j >= len(text) || text[j] != ']' || text[i+1] < 'A' || text[i+1] > 'Z' {
			continue
		}
		if j+1 < len(text) && text[j+1] != ' ' {
			continue
		}
		if Known(Code(text[i+1 : j])) {
			start, end = i, j
			break
		}
		if start < 0 {
			start, end = i, j
		}
	}
	if start < 0 {
		return "", 0, "", false
	}
	code = Code(text[start+1 : end])
	msg = strings.TrimPrefix(text[end+1:], " ")
	if k := strings.LastIndex(msg, " (rule "); k >= 0 && strings.HasSuffix(msg, ")") {
		digits := msg[k+len(" (rule ") : len(msg)-1]
		if n, err := strconv.Atoi(digits); err == nil && n > 0 && isDigits(digits) {
			rule, msg = n, msg[:k]
		}
	}
	return code, rule, msg, true
}

func isCodeByte(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
