// Package console is each bank's web console: a few static files (one
// HTML page, a stylesheet and two small hand-written JavaScript modules,
// charts drawn as SVG) embedded in the gateway app and served at "/" on the
// API's origin. The page holds no data and no secret: the user signs in
// with an API bearer token, kept in sessionStorage, and every figure comes
// from the REST API under that token, so the console can never see or do
// more than the user's role allows (the API answers 401/403 as to any
// client). Buttons for actions the user's roles do not permit are not
// drawn.
//
// The files run under a strict Content-Security-Policy (only this origin's
// scripts, styles and connections; no inline code, no eval) and load
// nothing from the network. No Node toolchain builds them: what is
// committed is what is served.
//
// Imports: api (to register its pages); nothing else of the gateway.
package console

import (
	"embed"
	"io/fs"
	"net/http"
	"path"

	"github.com/tranchenet/tranchenet/gateway-app/internal/api"
)

//go:embed static
var static embed.FS

// ContentSecurityPolicy is sent with every console file: scripts, styles
// and connections from this origin only; SVG and data: images; no frames.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Register serves the console: the page at "/" and its assets under
// /console/.
func Register(s *api.Server) {
	files, err := fs.Sub(static, "static")
	if err != nil {
		panic("console: " + err.Error())
	}
	s.HandlePage("/{$}", serveFile(files, "index.html"))
	s.HandlePage("/console/{file}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveFile(files, r.PathValue("file")).ServeHTTP(w, r)
	}))
}

var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
}

// serveFile serves one embedded file with the console's headers; names
// outside the embedded set (or of another type) are 404.
func serveFile(files fs.FS, name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ct, known := contentTypes[path.Ext(name)]
		body, err := fs.ReadFile(files, name)
		if !known || err != nil || name == "index.html" && r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ct)
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		w.Write(body)
	})
}
