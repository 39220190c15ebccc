package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"

	"github.com/tranchenet/tranchenet/chaincode/core/canon"
)

// decodeRequest reads and checks the request body into a new Req.
//
// Bodies are decoded by the chaincode's own strict decoder (canon.Unmarshal):
// unknown fields, duplicate keys, wrong types, fractional numbers (amounts
// and rates travel as decimal strings), invalid UTF-8 and trailing data are
// refused with a 400 naming the path of the offending value, exactly as the
// chaincode would refuse them. Then Req's Validate runs, if it has one.
func decodeRequest[Req any](r *http.Request, maxBytes int64) (*Req, *Problem) {
	req := new(Req)
	if reflect.TypeFor[Req]() == reflect.TypeFor[NoBody]() {
		if r.ContentLength > 0 {
			return nil, BadInput("", "this operation takes no request body")
		}
		return req, nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return nil, NewProblem(CodeUnsupportedMediaType, "Content-Type %q: send application/json", ct)
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, NewProblem(CodePayloadTooLarge, "request body larger than %d bytes", maxBytes)
	case err != nil:
		return nil, BadInput("", "reading the request body: %v", err)
	case len(bytes.TrimSpace(body)) == 0, string(bytes.TrimSpace(body)) == "null":
		return nil, BadInput("", "a JSON object is required as the request body")
	}
	if err := canon.Unmarshal(body, req); err != nil {
		return nil, problemFrom(err)
	}
	if v, ok := any(req).(Validator); ok {
		if err := v.Validate(); err != nil {
			return nil, problemFrom(err)
		}
	}
	return req, nil
}
