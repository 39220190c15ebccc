package api

import (
	"context"
	"embed"
	"net/http"
	"reflect"
	"time"
)

// readyTimeout bounds the ledger probe behind /readyz.
const readyTimeout = 5 * time.Second

//go:embed docs
var docsFS embed.FS

// Health is /healthz's answer.
type Health struct {
	Status string `json:"status" doc:"always ok: the process is up and serving"`
}

// registerOperations adds the endpoints that need no authentication:
// liveness, readiness, metrics, the OpenAPI document and its page.
func (s *Server) registerOperations() {
	op := func(path, summary, description string, resp reflect.Type, contentType string, h http.HandlerFunc) {
		s.register(&route{method: http.MethodGet, path: path, id: operationID("GET", path), summary: summary, description: description,
			tag: "operations", public: true, status: http.StatusOK, respType: resp, contentType: contentType, handler: h})
	}
	op("/healthz", "Liveness", "Answers 200 while the process serves HTTP; it does not contact the ledger.",
		reflect.TypeFor[Health](), "", func(w http.ResponseWriter, r *http.Request) {
			s.writeJSON(w, http.StatusOK, Health{Status: "ok"})
		})
	op("/readyz", "Readiness",
		"Answers 200 when the bank's peer answers a query on the channel (qscc GetChainInfo), with the chain height and the event listener's state; 503 otherwise.",
		reflect.TypeFor[ReadyReport](), "", s.serveReady)
	op("/metrics", "Prometheus metrics", "Request counts and latency by route and status, ledger call latency, event listener lag and progress.",
		nil, "text/plain", s.reg.Handler().ServeHTTP)
	op("/openapi.json", "This API's OpenAPI 3.1 document", "", nil, "application/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(s.doc)
	})
	op("/docs", "Browsable API documentation", "A page rendering /openapi.json; it loads nothing from the network.", nil, "text/html",
		s.serveDocs("docs/index.html", "text/html; charset=utf-8"))
	for _, asset := range []struct{ file, contentType string }{
		{"docs.js", "text/javascript; charset=utf-8"}, {"docs.css", "text/css; charset=utf-8"},
	} {
		s.register(&route{method: http.MethodGet, path: "/docs/" + asset.file, public: true, hidden: true,
			handler: s.serveDocs("docs/"+asset.file, asset.contentType)})
	}
}

func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	if s.ready == nil {
		s.writeJSON(w, http.StatusOK, ReadyReport{Status: "ready"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	report, err := s.ready(ctx)
	if err != nil {
		p := problemFrom(err)
		if p.Code == CodeInternal || p.Status < 500 {
			// Whatever the cause, the app cannot serve ledger requests now.
			p = NewProblem(CodeLedgerUnavailable, "the ledger does not answer: %v", err)
		}
		p.Status, p.RetryAfter = http.StatusServiceUnavailable, retryAfterUnavailable
		s.writeProblem(w, r, p)
		return
	}
	report.Status = "ready"
	s.writeJSON(w, http.StatusOK, report)
}

// serveDocs serves an embedded file of the documentation page. The page
// runs only its own script and talks only to this origin.
func (s *Server) serveDocs(file, contentType string) http.HandlerFunc {
	body, err := docsFS.ReadFile(file)
	if err != nil {
		panic("api: embedded " + file + ": " + err.Error())
	}
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(body)
	}
}

// HandlePage serves a page or an asset outside the API (the console's
// files): GET, no authentication (the page itself calls the API with the
// user's token), not in the OpenAPI document. The handler sets its own
// Content-Security-Policy.
func (s *Server) HandlePage(path string, h http.Handler) {
	s.register(&route{method: http.MethodGet, path: path, public: true, hidden: true, handler: h})
}
