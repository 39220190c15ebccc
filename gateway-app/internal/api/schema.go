package api

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranchenet/tranchenet/chaincode/core/money"
	"github.com/tranchenet/tranchenet/chaincode/core/roles"
	"github.com/tranchenet/tranchenet/chaincode/core/waterfall/daycount"
)

// Schema is a JSON Schema (2020-12, as OpenAPI 3.1 uses it), restricted to
// what the API's types need.
type Schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	Type                 string             `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Description          string             `json:"description,omitempty"`
	Pattern              string             `json:"pattern,omitempty"`
	Enum                 []string           `json:"enum,omitempty"`
	MaxLength            int                `json:"maxLength,omitempty"`
	Minimum              *int64             `json:"minimum,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	AdditionalProperties *Schema            `json:"additionalProperties,omitempty"`
	ContentEncoding      string             `json:"contentEncoding,omitempty"`
	Examples             []string           `json:"examples,omitempty"`
	// Order lists the properties in declaration order (JSON objects have
	// none); the /docs page shows them that way.
	Order []string `json:"x-order,omitempty"`
}

// schemaOverrides describe types whose JSON form is not their Go structure.
var schemaOverrides = map[reflect.Type]Schema{
	reflect.TypeFor[time.Time](): {Type: "string", Format: "date-time"},
	reflect.TypeFor[money.Amount](): {Type: "string", Pattern: `^-?[0-9]+(\.[0-9]{1,2})?$`,
		Description: "amount in currency units as a decimal string, at most two decimals (answers always carry two)", Examples: []string{"1234.50"}},
	reflect.TypeFor[decimal.Decimal](): {Type: "string", Pattern: `^-?[0-9]+(\.[0-9]+)?$`,
		Description: "decimal number as a string (rates, factors, indices)", Examples: []string{"0.0525"}},
	reflect.TypeFor[json.RawMessage](): {Description: "any JSON value"},
	reflect.TypeFor[roles.Role]():      {Type: "string", Enum: roleEnum()},
	reflect.TypeFor[roles.Set]():       {Type: "array", Items: &Schema{Type: "string", Enum: roleEnum()}},
	reflect.TypeFor[daycount.Date]():   {Type: "string", Format: "date", Examples: []string{"2031-06-15"}},
}

var (
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
)

func roleEnum() []string {
	var out []string
	for _, r := range roles.All() {
		out = append(out, string(r))
	}
	return out
}

// schemaGen turns Go types into schemas, collecting named struct types as
// components so each is described once.
type schemaGen struct {
	components map[string]*Schema
	names      map[reflect.Type]string
}

func newSchemaGen() *schemaGen {
	return &schemaGen{components: map[string]*Schema{}, names: map[reflect.Type]string{}}
}

// schemaOf returns the schema of t: a $ref for named structs.
func (g *schemaGen) schemaOf(t reflect.Type) *Schema {
	if o, ok := schemaOverrides[t]; ok {
		s := o
		return &s
	}
	// Types that choose their own JSON form: text is a string, anything
	// else is described by its doc, not by its Go fields.
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		if t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
			return &Schema{Type: "string"}
		}
		if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) {
			return &Schema{Description: "a JSON value (see the type's documentation)"}
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schemaOf(t.Elem())
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int, reflect.Int64:
		return &Schema{Type: "integer", Format: "int64"}
	case reflect.Int8, reflect.Int16, reflect.Int32:
		return &Schema{Type: "integer", Format: "int32"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		zero := int64(0)
		return &Schema{Type: "integer", Minimum: &zero}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return &Schema{Type: "string", ContentEncoding: "base64"}
		}
		return &Schema{Type: "array", Items: g.schemaOf(t.Elem())}
	case reflect.Map:
		return &Schema{Type: "object", AdditionalProperties: g.schemaOf(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return g.structSchema(t)
		}
		name := g.componentName(t)
		if _, done := g.components[name]; !done {
			g.components[name] = &Schema{} // placeholder: recursive types end here
			g.components[name] = g.structSchema(t)
		}
		return &Schema{Ref: "#/components/schemas/" + name}
	case reflect.Interface:
		return &Schema{Description: "any JSON value"}
	}
	panic(fmt.Sprintf("api: no JSON schema for %s", t))
}

// componentName is the type's name, qualified by its package when two
// packages use the same name.
func (g *schemaGen) componentName(t reflect.Type) string {
	if n, ok := g.names[t]; ok {
		return n
	}
	name := t.Name()
	for other, n := range g.names {
		if n == name && other != t {
			pkg := t.PkgPath()
			name = pkg[strings.LastIndex(pkg, "/")+1:] + "." + name
			break
		}
	}
	g.names[t] = name
	return name
}

// structSchema describes a struct's JSON object: fields named by their json
// tags, required unless omitempty/omitzero, described by their doc tags,
// with embedded structs flattened as encoding/json does.
func (g *schemaGen) structSchema(t reflect.Type) *Schema {
	s := &Schema{Type: "object", Properties: map[string]*Schema{}}
	g.addFields(s, t)
	return s
}

func (g *schemaGen) addFields(s *Schema, t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.addFields(s, ft)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		fs := g.schemaOf(f.Type)
		if strings.Contains(","+opts+",", ",string,") {
			fs = &Schema{Type: "string", Description: fs.Description}
		}
		if doc := f.Tag.Get("doc"); doc != "" {
			if fs.Ref != "" {
				// A $ref's siblings are allowed in 3.1; keep the reference.
				fs = &Schema{Ref: fs.Ref, Description: doc}
			} else {
				copied := *fs
				copied.Description = doc
				fs = &copied
			}
		}
		s.Properties[name] = fs
		s.Order = append(s.Order, name)
		optional := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		if !optional {
			s.Required = append(s.Required, name)
		}
	}
}
