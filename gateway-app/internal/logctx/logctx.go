// Package logctx carries log attributes in a context.Context, so every line
// logged about a request (by the HTTP layer, the ledger wrapper or a
// handler) names the request ID, the API user and, once known, the Fabric
// transaction ID, without passing a logger through every call.
//
// Log with the context-taking slog methods (InfoContext, ...) on a logger
// whose handler is wrapped by NewHandler.
package logctx

import (
	"context"
	"log/slog"
)

type key struct{}

// attrs is an immutable list: With copies, so contexts never share a slice
// that another goroutine appends to.
type attrs []slog.Attr

// With returns a context whose log lines carry the given attributes as well
// as those already in ctx.
func With(ctx context.Context, as ...slog.Attr) context.Context {
	prev, _ := ctx.Value(key{}).(attrs)
	next := make(attrs, 0, len(prev)+len(as))
	next = append(append(next, prev...), as...)
	return context.WithValue(ctx, key{}, next)
}

// Attrs returns the attributes carried by ctx.
func Attrs(ctx context.Context) []slog.Attr {
	a, _ := ctx.Value(key{}).(attrs)
	return a
}

// Handler adds the context's attributes to every record.
type Handler struct{ slog.Handler }

// NewHandler wraps h.
func NewHandler(h slog.Handler) *Handler { return &Handler{h} }

// Handle adds ctx's attributes, then passes the record on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if a := Attrs(ctx); len(a) > 0 {
		r = r.Clone()
		r.AddAttrs(a...)
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the derived handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &Handler{h.Handler.WithAttrs(as)}
}

// WithGroup keeps the wrapper around the derived handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{h.Handler.WithGroup(name)}
}
