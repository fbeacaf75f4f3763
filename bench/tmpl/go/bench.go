// Command tmplbench is the Go side of bench/tmpl/run.sh: it writes the benchmark inputs and
// times Go's text/template on them (parse and execute: wall and CPU per run), and renders like
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
	"runtime"
	"strings"
	"syscall"
	"text/template"
	"time"
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

// measure runs op until a second has passed (at least 3 times) and returns wall and process
// CPU time per run (CPU includes the garbage collector's threads: Go's real cost).
func measure(op func()) (wallNs, cpuNs int64) {
	cpu := func() int64 {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return ru.Utime.Nano() + ru.Stime.Nano()
	}
	op() // warm up
	runtime.GC()
	start, startCPU := time.Now(), cpu()
	n := 0
	for n < 3 || time.Since(start) < time.Second {
		op()
		n++
	}
	return time.Since(start).Nanoseconds() / int64(n), (cpu() - startCPU) / int64(n)
}

func bench(dir string) {
	type input struct{ name, t, d string }
	for _, in := range []input{{"voltha10k", "voltha.tmpl", "voltha10k.json"}, {"big1MiB", "big.tmpl", "big.json"}} {
		text, v := load(dir, in.t, in.d)
		pw, pc := measure(func() {
			if _, err := template.New("t").Funcs(funcs()).Parse(text); err != nil {
				panic(err)
			}
		})
		t := template.Must(template.New("t").Funcs(funcs()).Parse(text))
		var buf bytes.Buffer
		ew, ec := measure(func() {
			buf.Reset()
			t.Funcs(funcs()) // isFirst state is per rendering, as in envoyd
			if err := t.Execute(&buf, v); err != nil {
				panic(err)
			}
		})
		fmt.Printf("go %-9s parse: %10.1f us wall %10.1f us cpu\n", in.name, float64(pw)/1e3, float64(pc)/1e3)
		fmt.Printf("go %-9s exec:  %10.1f us wall %10.1f us cpu  (%d bytes out)\n", in.name, float64(ew)/1e3, float64(ec)/1e3, buf.Len())
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
