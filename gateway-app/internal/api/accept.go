package api

import (
	"mime"
	"strings"
)

// acceptedFormat picks an alternate representation from an Accept header
// when no ?format= is given: the first media type listed (before any
// JSON) that an alternate produces. JSON stays the default: "*/*", a
// missing header or application/json first all give "".
func acceptedFormat[Resp any](accept string, alternates []Alternate[Resp]) string {
	if accept == "" || len(alternates) == 0 {
		return ""
	}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || params["q"] == "0" {
			continue
		}
		if mt == "application/json" || mt == "*/*" || mt == "application/*" {
			return ""
		}
		for _, a := range alternates {
			if alt, _, err := mime.ParseMediaType(a.ContentType); err == nil && alt == mt {
				return a.Format
			}
		}
	}
	return ""
}
