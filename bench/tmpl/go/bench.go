// Command tmplbench is the Go side of bench/tmpl/run.sh: it writes the benchmark inputs and
// times Go's text/template on them (parse and execute, testing.Benchmark), and renders like
// `envoyd render` for the whole-process comparison. Stdlib only.
//
//	tmplbench -gen DIR           write voltha.tmpl, voltha10k.json, voltha100k.json, big.tmpl, big.json
//	tmplbench -bench DIR         print ns/op for parse/execute of both inputs
//	tmplbench TEMPLATE DATA.json render (JSON decode + parse + execute) to stdout
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
)

const voltha = `{
  "listeners": [
    {
      "address": "tcp://0.0.0.0:{{.GrpcPort}}",
      "filters": [
        {
          "type": "read",
          "name": "http_connection_manager",
          "config": {
            "codec_type": "http2",
            "stat_prefix": "ingress_http2",
            "route_config": {
              "virtual_hosts": [
                { "name": "backend", "domains": ["*"],
                  "routes": [ { "timeout_ms": 0, "prefix": "/voltha.VolthaGlobalService/", "cluster": "vcore" } ] }
              ]
            },
            "filters": [ { "type": "decoder", "name": "router", "config": {} } ]
          }
        }
      ]
    }
  ],
  "admin": { "access_log_path": "/envoy/access.log", "address": "tcp://0.0.0.0:8001" },
  "cluster_manager": {
    "clusters": [
      {
        "name": "vcore",
        "connect_timeout_ms": 250,
        "type": "static",
        "lb_type": "round_robin",
        "features": "http2",
        "hosts": [
          {{block "addrlist" .VolthaRR}}{{range .}}{{if isFirst}}{{else}},{{end}}
          {{printf "{\"url\": \"tcp://%s\"}" .}}{{end}}{{end}}
        ]
      },
      { "name": "vip", "hosts": [ {"url": "tcp://{{- .VolthaVip }}"} ] }
    ]
  }
}
`

// A chunk of many small actions; repeated to 1 MiB.
const chunk = `<tr id="{{.id}}"><td>{{.name}}</td><td>{{.m.k}}</td>{{if .t}}<td>on</td>{{else}}<td>off</td>{{end}}` +
	`<td>{{len .l}}</td><td>{{index .l 1}}</td><td>{{printf "%05d" 42}}</td>{{with .m}}<td>{{.k}}</td>{{end}}` +
	`{{range .l}}<i>{{.}}</i>{{end}}<td>{{eq .name "x"}}</td><td>{{html .h}}</td></tr>
`

func data(cores int) map[string]interface{} {
	rr := make([]interface{}, cores)
	for i := range rr {
		rr[i] = fmt.Sprintf("172.%d.%d.%d:50556", 16+i/65536, (i/256)%256, i%256)
	}
	return map[string]interface{}{
		"VolthaVip": "10.0.0.1:50556", "VolthaRR": rr,
		"HttpPort": "8882", "HttpsPort": "8443", "GrpcPort": "50555",
	}
}

func write(dir, name string, b []byte) {
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		panic(err)
	}
}

func gen(dir string) {
	write(dir, "voltha.tmpl", []byte(voltha))
	for _, n := range []int{10000, 100000} {
		b, _ := json.Marshal(data(n))
		write(dir, fmt.Sprintf("voltha%dk.json", n/1000), b)
	}
	var big strings.Builder
	for big.Len() < 1<<20 {
		big.WriteString(chunk)
	}
	write(dir, "big.tmpl", []byte(big.String()))
	write(dir, "big.json", []byte(`{"id":"row-7","name":"core","m":{"k":"v"},"t":true,"l":["a","b","c"],"h":"<&>"}`))
}

func funcs() template.FuncMap {
	first, first2 := true, true
	return template.FuncMap{
		"isFirst":  func() bool { r := first; first = false; return r },
		"isFirst2": func() bool { r := first2; first2 = false; return r },
	}
}

func load(dir, t, d string) (string, interface{}) {
	text, err := os.ReadFile(filepath.Join(dir, t))
	if err != nil {
		panic(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, d))
	if err != nil {
		panic(err)
	}
	var v interface{}
	if err := json.Unmarshal(raw, &v); err != nil {
		panic(err)
	}
	return string(text), v
}

func bench(dir string) {
	type input struct{ name, t, d string }
	for _, in := range []input{{"voltha10k", "voltha.tmpl", "voltha10k.json"}, {"big1MiB", "big.tmpl", "big.json"}} {
		text, v := load(dir, in.t, in.d)
		parse := testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := template.New("t").Funcs(funcs()).Parse(text); err != nil {
					b.Fatal(err)
				}
			}
		})
		var size int
		exec := testing.Benchmark(func(b *testing.B) {
			t := template.Must(template.New("t").Funcs(funcs()).Parse(text))
			var buf bytes.Buffer
			for i := 0; i < b.N; i++ {
				buf.Reset()
				// isFirst state is per rendering, as in envoyd: fresh funcs each time.
				t.Funcs(funcs())
				if err := t.Execute(&buf, v); err != nil {
					b.Fatal(err)
				}
			}
			size = buf.Len()
		})
		fmt.Printf("go %s parse_ns %d\n", in.name, parse.NsPerOp())
		fmt.Printf("go %s exec_ns %d out_bytes %d\n", in.name, exec.NsPerOp(), size)
	}
}

func main() {
	genDir := flag.String("gen", "", "write inputs into DIR")
	benchDir := flag.String("bench", "", "benchmark the inputs in DIR")
	flag.Parse()
	switch {
	case *genDir != "":
		gen(*genDir)
	case *benchDir != "":
		bench(*benchDir)
	case flag.NArg() == 2:
		text, err := os.ReadFile(flag.Arg(0))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		raw, err := os.ReadFile(flag.Arg(1))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var v interface{}
		if err := json.Unmarshal(raw, &v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		t, err := template.New(filepath.Base(flag.Arg(0))).Funcs(funcs()).Parse(string(text))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		w := bufio.NewWriterSize(os.Stdout, 1<<16)
		if err := t.Execute(w, v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		w.Flush()
	default:
		fmt.Fprintln(os.Stderr, "usage: tmplbench -gen DIR | -bench DIR | TEMPLATE DATA.json")
		os.Exit(2)
	}
}
