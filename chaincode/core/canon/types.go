package canon

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// typeInfo is what the parser needs to know about a Go type to check JSON
// against it: which object keys a struct accepts, and which values
// encoding/json decodes as a unit (leaves). Computed once per type.
type typeInfo struct {
	typ    reflect.Type // the type as given (pointers included)
	shape  shape
	elem   reflect.Type         // element type of slices, arrays and maps
	fields map[string]fieldInfo // JSON name → field, for structs
	names  []string             // sorted JSON names, for error messages
}

type shape int

const (
	shapeAny    shape = iota // interface: any JSON is acceptable
	shapeLeaf                // scalars and types with their own UnmarshalJSON/UnmarshalText
	shapeStruct              // JSON object with known keys
	shapeMap                 // JSON object with any keys
	shapeArray               // JSON array
)

type fieldInfo struct {
	typ    reflect.Type
	quoted bool // the ",string" option: value travels inside a JSON string
}

var (
	typeCache sync.Map // reflect.Type → *typeInfo

	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// infoOf returns the cached typeInfo of t, or nil when t is nil (no type
// checks).
func infoOf(t reflect.Type) *typeInfo {
	if t == nil {
		return nil
	}
	if ti, ok := typeCache.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := &typeInfo{typ: t}
	u := t
	for u.Kind() == reflect.Pointer && !decodesItself(u) {
		u = u.Elem()
	}
	switch {
	case decodesItself(u):
		ti.shape = shapeLeaf
	case u.Kind() == reflect.Interface:
		ti.shape = shapeAny
	case u.Kind() == reflect.Struct:
		ti.shape = shapeStruct
		ti.fields = structFields(u)
		for name := range ti.fields {
			ti.names = append(ti.names, name)
		}
		slices.Sort(ti.names)
	case u.Kind() == reflect.Map:
		ti.shape = shapeMap
		ti.elem = u.Elem()
		if k := u.Key().Kind(); k != reflect.String && !reflect.PointerTo(u.Key()).Implements(textUnmarshaler) {
			ti.shape = shapeLeaf // integer keys: let encoding/json judge the whole map
		}
	case u.Kind() == reflect.Slice && u.Elem().Kind() == reflect.Uint8 && !decodesItself(u.Elem()):
		ti.shape = shapeLeaf // []byte is a base64 string
	case u.Kind() == reflect.Slice || u.Kind() == reflect.Array:
		ti.shape = shapeArray
		ti.elem = u.Elem()
	default:
		ti.shape = shapeLeaf
	}
	actual, _ := typeCache.LoadOrStore(t, ti)
	return actual.(*typeInfo)
}

// decodesItself reports whether encoding/json hands values of type t to
// the type's own UnmarshalJSON or UnmarshalText.
func decodesItself(t reflect.Type) bool {
	if t.Kind() != reflect.Pointer {
		t = reflect.PointerTo(t)
	}
	return t.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler)
}

// isLeaf reports whether the value starting with byte c is decoded as a
// unit for this type: a leaf type, or JSON whose kind the type cannot hold
// (an object for an int), which encoding/json rejects as a whole. null is
// never a leaf: encoding/json leaves the target unchanged.
func (ti *typeInfo) isLeaf(c byte) bool {
	if ti == nil || ti.shape == shapeAny || c == 'n' && ti.shape != shapeLeaf {
		return false
	}
	switch ti.shape {
	case shapeStruct, shapeMap:
		return c != '{'
	case shapeArray:
		return c != '['
	}
	return true
}

// field resolves an object key. For types other than structs every key is
// known; their values have the element type (maps) or no type.
func (ti *typeInfo) field(key []byte) (t reflect.Type, quoted, known bool) {
	if ti == nil {
		return nil, false, true
	}
	switch ti.shape {
	case shapeStruct:
		f, ok := ti.fields[string(key)]
		return f.typ, f.quoted, ok
	case shapeMap:
		return ti.elem, false, true
	}
	return nil, false, true
}

// elemType is the type of array elements, or nil.
func (ti *typeInfo) elemType() reflect.Type {
	if ti == nil || ti.shape != shapeArray {
		return nil
	}
	return ti.elem
}

func (ti *typeInfo) fieldList() string {
	const max = 20
	if len(ti.names) > max {
		return strings.Join(ti.names[:max], ", ") + ", ..."
	}
	return strings.Join(ti.names, ", ")
}

// structFields returns the JSON names a struct accepts, following
// encoding/json: exported fields under their tag name or Go name, fields of
// embedded structs promoted unless hidden by a shallower field, and among
// fields of equal depth a tagged one winning, otherwise none.
//
// Unlike encoding/json, canon matches names exactly: "Units" is not "units".
func structFields(t reflect.Type) map[string]fieldInfo {
	type candidate struct {
		fieldInfo
		depth  int
		tagged bool
	}
	byName := map[string][]candidate{}
	var order []string
	level := []reflect.Type{t}
	visited := map[reflect.Type]bool{}
	for depth := 0; len(level) > 0; depth++ {
		var next []reflect.Type
		for _, st := range level {
			if visited[st] {
				continue
			}
			visited[st] = true
			for i := 0; i < st.NumField(); i++ {
				sf := st.Field(i)
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				ft := sf.Type
				if sf.Anonymous {
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
					if name == "" && ft.Kind() == reflect.Struct {
						next = append(next, ft)
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tagged := name != ""
				if !tagged {
					name = sf.Name
				}
				quoted := false
				for _, o := range strings.Split(opts, ",") {
					if o == "string" {
						switch sf.Type.Kind() {
						case reflect.Bool, reflect.String,
							reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
							reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
							reflect.Float32, reflect.Float64:
							quoted = true
						}
					}
				}
				if _, seen := byName[name]; !seen {
					order = append(order, name)
				}
				byName[name] = append(byName[name], candidate{fieldInfo{sf.Type, quoted}, depth, tagged})
			}
		}
		level = next
	}
	fields := make(map[string]fieldInfo, len(order))
	for _, name := range order {
		cs := byName[name]
		best := cs[0].depth // candidates were added by increasing depth
		var winners []candidate
		for _, c := range cs {
			if c.depth == best {
				winners = append(winners, c)
			}
		}
		if len(winners) > 1 {
			var tagged []candidate
			for _, c := range winners {
				if c.tagged {
					tagged = append(tagged, c)
				}
			}
			winners = tagged
		}
		if len(winners) == 1 {
			fields[name] = winners[0].fieldInfo
		}
	}
	return fields
}
