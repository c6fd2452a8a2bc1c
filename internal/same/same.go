// Package same compares two values of kpicredit's types field by field
// for tests that drive two paths on the same inputs: decimals by
// coefficient and exponent (so that 1.50 and 1.5 differ), pointers to a
// rulebook's parts by identity, the rest deeply. It depends on nothing in
// kpicredit.
package same

import (
	"fmt"
	"reflect"

	"github.com/shopspring/decimal"
)

// rulesPkg is the package whose parts are compared by identity.
const rulesPkg = "github.com/kpicredit/kpicredit/rules"

// Diff returns the first difference between a and b, as a path and the
// two values, or "" when there is none. Exported fields named in skip,
// at any depth, and unexported fields are not compared.
func Diff(a, b any, skip ...string) string {
	s := map[string]bool{}
	for _, f := range skip {
		s[f] = true
	}
	return diff("", reflect.ValueOf(a), reflect.ValueOf(b), s)
}

func diff(path string, a, b reflect.Value, skip map[string]bool) string {
	if a.Type() == reflect.TypeFor[decimal.Decimal]() {
		x, y := a.Interface().(decimal.Decimal), b.Interface().(decimal.Decimal)
		if x.Exponent() != y.Exponent() || x.Coefficient().Cmp(y.Coefficient()) != 0 {
			return fmt.Sprintf("%s: %s (exponent %d) and %s (exponent %d)", path, x, x.Exponent(), y, y.Exponent())
		}
		return ""
	}
	switch a.Kind() {
	case reflect.Pointer:
		return diffPointers(path, a, b, skip)
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			if !f.IsExported() || skip[f.Name] {
				continue
			}
			if d := diff(path+"."+f.Name, a.Field(i), b.Field(i), skip); d != "" {
				return d
			}
		}
	case reflect.Slice:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d and %d elements", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := diff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i), skip); d != "" {
				return d
			}
		}
	case reflect.Map:
		return diffMaps(path, a, b, skip)
	case reflect.Func:
		if a.IsNil() != b.IsNil() {
			return fmt.Sprintf("%s: one func is nil", path)
		}
	default:
		if a.Interface() != b.Interface() {
			return fmt.Sprintf("%s: %v and %v", path, a.Interface(), b.Interface())
		}
	}
	return ""
}

func diffPointers(path string, a, b reflect.Value, skip map[string]bool) string {
	switch {
	case a.IsNil() != b.IsNil():
		return fmt.Sprintf("%s: one pointer is nil", path)
	case a.IsNil():
		return ""
	case a.Type().Elem().PkgPath() == rulesPkg:
		if a.Pointer() != b.Pointer() {
			return fmt.Sprintf("%s: pointers to different parts of the rulebook", path)
		}
		return ""
	}
	return diff(path, a.Elem(), b.Elem(), skip)
}

func diffMaps(path string, a, b reflect.Value, skip map[string]bool) string {
	if a.Len() != b.Len() {
		return fmt.Sprintf("%s: %d and %d entries", path, a.Len(), b.Len())
	}
	for _, k := range a.MapKeys() {
		if !b.MapIndex(k).IsValid() {
			return fmt.Sprintf("%s[%v]: missing", path, k)
		}
		if d := diff(fmt.Sprintf("%s[%v]", path, k), a.MapIndex(k), b.MapIndex(k), skip); d != "" {
			return d
		}
	}
	return ""
}
