package canon

import (
	"cmp"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Floats are refused when they are reachable in a value given to Marshal,
// even when they hold an integral value (float64(3) would encode as 3 and
// pass the integer-only check of the output): money is never a float, and a
// float in a ledger value is a bug to catch where it is introduced.
//
// Types that marshal themselves (json.Marshaler, encoding.TextMarshaler:
// money.Amount, decimal.Decimal, time.Time) are opaque here; their output is
// still checked for fractions and exponents by the canonicalizer.

var (
	floatCache    sync.Map // reflect.Type → bool: may a value of the type hold a float?
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// findFloat returns the path of the first float reachable from v (in JSON
// key order for maps), or ok=false.
func findFloat(v reflect.Value) (path string, ok bool) {
	var steps []string
	if found := walkFloats(v, &steps); found {
		return strings.TrimPrefix(strings.Join(steps, ""), "."), true
	}
	return "", false
}

func walkFloats(v reflect.Value, path *[]string) bool {
	if !v.IsValid() || !mayHoldFloat(v.Type()) {
		return false
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return true
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && walkFloats(v.Elem(), path)
	case reflect.Struct:
		for _, f := range marshalFields(v.Type()) {
			*path = append(*path, "."+f.name)
			if walkFloats(v.FieldByIndex(f.index), path) {
				return true
			}
			*path = (*path)[:len(*path)-1]
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			*path = append(*path, fmt.Sprintf("[%d]", i))
			if walkFloats(v.Index(i), path) {
				return true
			}
			*path = (*path)[:len(*path)-1]
		}
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int {
			return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
		})
		for _, k := range keys {
			*path = append(*path, fmt.Sprintf(".%v", k))
			if walkFloats(v.MapIndex(k), path) {
				return true
			}
			*path = (*path)[:len(*path)-1]
		}
	}
	return false
}

// mayHoldFloat reports whether a value of type t can reach a float: a float
// kind, or an interface (which may hold anything), through struct fields,
// elements and pointers. Recursive types are assumed float-free while being
// examined; a float elsewhere in them still makes the answer true.
func mayHoldFloat(t reflect.Type) bool {
	if v, ok := floatCache.Load(t); ok {
		return v.(bool)
	}
	res := computeMayHoldFloat(t, map[reflect.Type]bool{})
	floatCache.Store(t, res)
	return res
}

func computeMayHoldFloat(t reflect.Type, inProgress map[reflect.Type]bool) bool {
	if v, ok := floatCache.Load(t); ok {
		return v.(bool)
	}
	if inProgress[t] {
		return false
	}
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) {
		return false
	}
	inProgress[t] = true
	defer delete(inProgress, t)
	switch t.Kind() {
	case reflect.Float32, reflect.Float64, reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return computeMayHoldFloat(t.Elem(), inProgress)
	case reflect.Struct:
		for _, f := range marshalFields(t) {
			if computeMayHoldFloat(t.FieldByIndex(f.index).Type, inProgress) {
				return true
			}
		}
	}
	return false
}

type marshalField struct {
	name  string
	index []int
}

var marshalFieldCache sync.Map // reflect.Type → []marshalField

// marshalFields lists the struct fields encoding/json may write: exported
// fields not tagged "-", and the fields of embedded structs. It is
// deliberately generous (shadowed fields are included): it only decides
// where to look for floats.
func marshalFields(t reflect.Type) []marshalField {
	if v, ok := marshalFieldCache.Load(t); ok {
		return v.([]marshalField)
	}
	var fs []marshalField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" || !sf.IsExported() && !sf.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		fs = append(fs, marshalField{name: name, index: []int{i}})
	}
	marshalFieldCache.Store(t, fs)
	return fs
}
