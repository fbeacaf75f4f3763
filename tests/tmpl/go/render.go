// Command tmplrender is the Go oracle of the tmpl differential tests: Go's text/template with
// the consul-template functions the C++ engine provides (same names, argument order and Go
// parameter types), stdlib only.
//
//	tmplrender TEMPLATE DATA.json          render one template (stdout; error: stderr, exit 1)
//	tmplrender -corpus DIR -out OUTDIR     render every DIR/NAME.tmpl with DIR/NAME.json (or
//	                                       DIR/_data.json) into OUTDIR/NAME.out or NAME.err
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

func funcs() template.FuncMap {
	first, first2 := true, true
	return template.FuncMap{
		"isFirst":  func() bool { r := first; first = false; return r },
		"isFirst2": func() bool { r := first2; first2 = false; return r },
		"toJSON": func(v interface{}) (string, error) {
			b, err := json.Marshal(v)
			if err != nil {
				return "", fmt.Errorf("toJSON: %w", err)
			}
			return string(bytes.TrimSpace(b)), nil
		},
		"toJSONPretty": func(v interface{}) (string, error) {
			b, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				return "", fmt.Errorf("toJSONPretty: %w", err)
			}
			return string(bytes.TrimSpace(b)), nil
		},
		"parseJSON": func(s string) (interface{}, error) {
			if s == "" {
				return map[string]interface{}{}, nil
			}
			var v interface{}
			if err := json.Unmarshal([]byte(s), &v); err != nil {
				return nil, err
			}
			return v, nil
		},
		// join accepts []string (split's result) and, unlike consul-template's []string
		// parameter, a JSON list whose elements are all strings.
		"join": func(sep string, l interface{}) (string, error) {
			switch t := l.(type) {
			case []string:
				return strings.Join(t, sep), nil
			case []interface{}:
				parts := make([]string, len(t))
				for i, e := range t {
					s, ok := e.(string)
					if !ok {
						return "", fmt.Errorf("join: list element %d is not a string", i)
					}
					parts[i] = s
				}
				return strings.Join(parts, sep), nil
			}
			return "", fmt.Errorf("join: wrong argument type %T", l)
		},
		"split": func(sep, s string) ([]string, error) {
			s = strings.TrimSpace(s)
			if s == "" {
				return []string{}, nil
			}
			return strings.Split(s, sep), nil
		},
		"toLower":    func(s string) (string, error) { return strings.ToLower(s), nil },
		"toUpper":    func(s string) (string, error) { return strings.ToUpper(s), nil },
		"toTitle":    func(s string) (string, error) { return strings.Title(s), nil },
		"trimSpace":  func(s string) (string, error) { return strings.TrimSpace(s), nil },
		"replaceAll": func(old, new, s string) (string, error) { return strings.ReplaceAll(s, old, new), nil },
		"regexMatch": func(re, s string) (bool, error) {
			c, err := regexp.Compile(re)
			if err != nil {
				return false, err
			}
			return c.MatchString(s), nil
		},
		"regexReplaceAll": func(re, repl, s string) (string, error) {
			c, err := regexp.Compile(re)
			if err != nil {
				return "", err
			}
			return c.ReplaceAllString(s, repl), nil
		},
		"contains": func(v, l interface{}) (bool, error) { return in(l, v) },
		"env":      func(s string) (string, error) { return os.Getenv(s), nil },
		"add":      func(b, a interface{}) (interface{}, error) { return arith("add", a, b, '+') },
		"subtract": func(b, a interface{}) (interface{}, error) { return arith("subtract", a, b, '-') },
		"multiply": func(b, a interface{}) (interface{}, error) { return arith("multiply", a, b, '*') },
		"divide":   func(b, a interface{}) (interface{}, error) { return arith("divide", a, b, '/') },
		"modulo":   func(b, a interface{}) (interface{}, error) { return arith("modulo", a, b, '%') },
		"base64Encode": func(s string) (string, error) {
			return base64.StdEncoding.EncodeToString([]byte(s)), nil
		},
		"base64Decode": func(s string) (string, error) {
			v, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return "", fmt.Errorf("base64Decode: %w", err)
			}
			return string(v), nil
		},
		"sha256Hex": func(s string) (string, error) {
			h := sha256.Sum256([]byte(s))
			return hex.EncodeToString(h[:]), nil
		},
		"indent": func(spaces int, s string) (string, error) {
			if spaces < 0 {
				return "", errors.New("indent value must be a positive integer")
			}
			prefix := strings.Repeat(" ", spaces)
			var b strings.Builder
			sp := true
			for i := 0; i < len(s); i++ {
				if sp && s[i] != '\n' {
					b.WriteString(prefix)
				}
				b.WriteByte(s[i])
				sp = s[i] == '\n'
			}
			return b.String(), nil
		},
	}
}

// in reports whether v is an element of list l (ints with ints, floats with floats, strings
// with strings) or a substring of string l, as consul-template's `in` does.
func in(l, v interface{}) (bool, error) {
	lv, vv := reflect.ValueOf(l), reflect.ValueOf(v)
	switch lv.Kind() {
	case reflect.Slice:
		for i := 0; i < lv.Len(); i++ {
			e := lv.Index(i)
			if e.Kind() == reflect.Interface {
				e = e.Elem()
			}
			switch e.Kind() {
			case reflect.Int, reflect.Int64:
				if (vv.Kind() == reflect.Int || vv.Kind() == reflect.Int64) && vv.Int() == e.Int() {
					return true, nil
				}
			case reflect.Float64:
				if vv.Kind() == reflect.Float64 && vv.Float() == e.Float() {
					return true, nil
				}
			case reflect.String:
				if vv.Type() == e.Type() && vv.String() == e.String() {
					return true, nil
				}
			}
		}
	case reflect.String:
		if vv.Type() == lv.Type() && strings.Contains(lv.String(), vv.String()) {
			return true, nil
		}
	}
	return false, nil
}

// arith computes a OP b as consul-template's math functions do: two ints give an int64, an int
// with a uint an int64, two uints a uint64, a float a float64 (modulo: integers only).
func arith(name string, a, b interface{}, op byte) (interface{}, error) {
	av, bv := reflect.ValueOf(a), reflect.ValueOf(b)
	isInt := func(v reflect.Value) bool { return v.Kind() == reflect.Int || v.Kind() == reflect.Int64 }
	isUint := func(v reflect.Value) bool { return v.Kind() == reflect.Uint8 || v.Kind() == reflect.Uint64 }
	isFloat := func(v reflect.Value) bool { return v.Kind() == reflect.Float64 }
	if !isInt(av) && !isUint(av) && !isFloat(av) {
		return nil, fmt.Errorf("%s: unknown type for value (%T)", name, a)
	}
	if !isInt(bv) && !isUint(bv) && !isFloat(bv) {
		return nil, fmt.Errorf("%s: unknown type for value (%T)", name, b)
	}
	if op == '%' && (isFloat(av) || isFloat(bv)) {
		return nil, fmt.Errorf("%s: unknown type for value (%T)", name, b)
	}
	if isUint(av) && isUint(bv) {
		x, y := av.Uint(), bv.Uint()
		switch op {
		case '+':
			return x + y, nil
		case '-':
			return x - y, nil
		case '*':
			return x * y, nil
		case '/':
			return x / y, nil
		}
		return x % y, nil
	}
	toInt := func(v reflect.Value) int64 {
		if isUint(v) {
			return int64(v.Uint())
		}
		return v.Int()
	}
	if !isFloat(av) && !isFloat(bv) {
		x, y := toInt(av), toInt(bv)
		switch op {
		case '+':
			return x + y, nil
		case '-':
			return x - y, nil
		case '*':
			return x * y, nil
		case '/':
			return x / y, nil
		}
		return x % y, nil
	}
	toFloat := func(v reflect.Value) float64 {
		switch {
		case isUint(v):
			return float64(v.Uint())
		case isInt(v):
			return float64(v.Int())
		}
		return v.Float()
	}
	x, y := toFloat(av), toFloat(bv)
	switch op {
	case '+':
		return x + y, nil
	case '-':
		return x - y, nil
	case '*':
		return x * y, nil
	}
	return x / y, nil
}

// render parses and executes; a panic in a function is an error, as in Go's safeCall.
func render(name, text string, data []byte) (out string, err error) {
	var v interface{}
	if err := json.Unmarshal(data, &v); err != nil {
		return "", err
	}
	t, err := template.New(name).Funcs(funcs()).Parse(text)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return "", err
	}
	return b.String(), nil
}

func main() {
	corpus := flag.String("corpus", "", "corpus directory")
	outDir := flag.String("out", "", "output directory for -corpus")
	caps := flag.Int("caps", -1, "print cap() of json-decoded lists of length 0..N, one a line")
	flag.Parse()
	if *caps >= 0 {
		printCaps(*caps)
		return
	}
	if *corpus != "" {
		os.Exit(runCorpus(*corpus, *outDir))
	}
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: tmplrender TEMPLATE DATA.json")
		os.Exit(2)
	}
	text, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
	data, err := os.ReadFile(flag.Arg(1))
	if err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
	out, err := render(filepath.Base(flag.Arg(0)), string(text), data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
	os.Stdout.WriteString(out)
}

func runCorpus(dir, outDir string) int {
	names, err := filepath.Glob(filepath.Join(dir, "*.tmpl"))
	if err != nil || len(names) == 0 {
		fmt.Fprintln(os.Stderr, "no cases in", dir)
		return 1
	}
	sort.Strings(names)
	def, _ := os.ReadFile(filepath.Join(dir, "_data.json"))
	for _, path := range names {
		base := strings.TrimSuffix(filepath.Base(path), ".tmpl")
		text, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		data, err := os.ReadFile(filepath.Join(dir, base+".json"))
		if err != nil {
			data = def
		}
		os.Remove(filepath.Join(outDir, base+".out"))
		os.Remove(filepath.Join(outDir, base+".err"))
		out, rerr := render(base, string(text), data)
		if rerr != nil {
			os.WriteFile(filepath.Join(outDir, base+".err"), []byte(rerr.Error()), 0o644)
		} else {
			os.WriteFile(filepath.Join(outDir, base+".out"), []byte(out), 0o644)
		}
	}
	return 0
}

// printCaps writes "len cap" for the []any json.Unmarshal decodes from a list of n nulls, for
// every n in 0..max: the capacity `slice` may extend a decoded list to.
func printCaps(max int) {
	var text bytes.Buffer
	var out bytes.Buffer
	for n := 0; n <= max; n++ {
		text.Reset()
		text.WriteByte('[')
		for i := 0; i < n; i++ {
			if i > 0 {
				text.WriteByte(',')
			}
			text.WriteString("null")
		}
		text.WriteByte(']')
		var v interface{}
		if err := json.Unmarshal(text.Bytes(), &v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		l := v.([]interface{})
		fmt.Fprintf(&out, "%d %d\n", len(l), cap(l))
	}
	os.Stdout.Write(out.Bytes())
}
