#!/usr/bin/env python3
"""Writes the differential corpus tests/tmpl/corpus/NAME.tmpl (+ NAME.json when a case needs
its own data; otherwise _data.json), and the same cases as the fuzz seed corpus
fuzz/tmpl/corpus/tmpl_exec/. Each case is rendered by Go and by vs::tmpl and compared
byte for byte (or both must fail). Add every difference ever found as a case here, then run:
    python3 tests/tmpl/gen_corpus.py
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

DATA = {
    "VolthaVip": "10.0.0.1:50556",
    "VolthaRR": ["172.29.19.4:50556", "172.29.19.5:50556", "172.29.19.6:50556"],
    "HttpPort": "8882", "HttpsPort": "8443", "GrpcPort": "50555",
    "n": 1234567, "i": 3, "f": 1.5, "neg": -2.25, "zero": 0, "big": 1e21, "small": 1e-7,
    "s": "hello", "empty": "", "t": True, "fls": False, "nul": None,
    "list": [1, "two", 3.5, True, None, [1, 2], {"k": "v"}],
    "strs": ["b", "a", "c"], "nums": [3, 1, 2], "emptylist": [], "emptymap": {},
    "m": {"b": 2, "a": 1, "c": {"d": "deep", "n": None}},
    "assign": {"0001": {"id": "vcore_vcore.1.q3l0", "host": "172.29.19.4"},
               "0002": {"id": "vcore_vcore.2.8m8v", "host": "172.29.19.5"}, "0003": None},
    "uni": "h\u00e9llo w\u00f6rld \u2603 \u65e5\u672c\u8a9e", "html": "<a href=\"x\">&'</a>",
    "ws": "  padded  \n", "csv": "a,b,,c", "b64": "aGVsbG8gd29ybGQ=",
    "json": "{\"x\":[1,2,{\"y\":null}],\"a\":\"<b>\"}",
    "ctrl": "tab\there\nnl\u0001\u007f\u00ad", "hex": 255, "pi": 3.141592653589793,
    "huge": 1.7976931348623157e308, "tiny": 5e-324, "intlike": 42, "negint": -7,
    "sp": "a b  c", "multi": "line one\nline two\n\nline four", "title": "hello wORLD-foo_bar baz.qux",
    "greek": "\u03b1\u03b2\u03b3 \u01c6 stra\u00dfe", "strnum": "12", "mixed": [1, 1.5, "x"],
}

CASES = {}


def case(name, tmpl, data=None):
    assert name not in CASES, name
    CASES[name] = (tmpl, data)


# ---- text, trimming, comments ----
case("text_plain", "just text, no actions\n")
case("text_empty", "")
case("text_braces", "a { b } c {x} }} {")
case("trim_left", "a   \n\t {{- .s}}")
case("trim_right", "{{.s -}}   \n  b")
case("trim_both", "x  {{- .s -}}  y")
case("trim_no_space_is_number", "{{-3}}")
case("trim_comment", "a  {{- /* comment */ -}}  b")
case("comment_plain", "a{{/* a comment\nspanning lines */}}b")
case("comment_bad_close", "{{/* c */ .s}}")
case("comment_unclosed", "{{/* never closed")
case("trim_in_range", "{{range .strs -}}\n  {{.}}\n{{- end}}")
case("trim_newlines_only", "{{- \"a\" -}}\n\n{{- \"b\" -}}")
case("trim_tabs_crlf", "x\r\n\t{{- .i -}}\r\n\ty")

# ---- fields, maps, variables ----
case("field_top", "{{.s}} {{.i}} {{.t}}")
case("field_nested", "{{.m.c.d}}")
case("field_missing", "{{.nope}}|{{.m.nope}}|{{.nope.deeper}}")
case("field_null", "{{.nul}}")
case("field_through_null", "{{.m.c.n.x}}")
case("field_on_string", "{{.s.x}}")
case("field_on_list", "{{.list.x}}")
case("field_with_args", "{{.s 1}}")
case("dot_root", "{{.}}", {"a": 1, "b": [True, None]})
case("dot_string_root", "{{.}} {{len .}}", "rootstring")
case("dot_null_root", "{{.}}|{{.x}}", None)
case("dollar", "{{with .m}}{{$.s}} {{.a}}{{end}}")
case("var_declare", "{{$x := .s}}{{$x}} {{$x | len}}")
case("var_assign", "{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}")
case("var_scope_if", "{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}")
case("var_undefined", "{{$y}}")
case("var_field", "{{$m := .m}}{{$m.c.d}} {{$.m.a}}")
case("var_in_range_scope", "{{range .strs}}{{$v := .}}{{$v}}{{end}}")
case("var_assign_undefined", "{{$z = 1}}")
case("var_out_of_scope", "{{if true}}{{$x := 1}}{{end}}{{$x}}")
case("var_null", "{{$n := .nul}}{{$n}}|{{$n.x}}")
case("chain_paren_field", "{{(.m).c.d}}")
case("chain_func_field", "{{(index .list 6).k}}")
case("chain_nil", "{{(nil).x}}")
case("chain_on_missing", "{{(index .m \"zz\").x}}")
case("map_sorted_print", "{{.m}}")
case("map_keys_unicode", "{{range $k, $v := .}}{{$k}}={{$v}};{{end}}", {"\u00e9": 1, "z": 2, "A": 3, "a": 4, "10": 5, "9": 6})

# ---- numbers and constants ----
case("json_numbers", "{{.n}} {{.i}} {{.f}} {{.neg}} {{.zero}} {{.big}} {{.small}} {{.huge}} {{.tiny}} {{.pi}}")
case("json_number_ints_print", "{{range .}}{{.}} {{end}}|{{print .}}|{{index . 0}}", [999999, -999999, 123456, 0, -0.0, 999999.5, 1e6, -1e6, 50556, 1, -1, 65535, 0.5, 99999.99])
case("json_number_forms", "{{range .}}{{.}} {{end}}", [0.1, 100000, 1000000, 1e20, 1e21, 123456789012, 1e-4, 1e-5, -0.0, 2.5e-8, 12345.678, 0.000123])
case("const_ints", "{{1}} {{-1}} {{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}} {{+5}}")
case("const_floats", "{{1.5}} {{1e3}} {{1.0}} {{.5}} {{0x1p4}} {{1e-7}} {{-2.50}}")
case("const_char", "{{'a'}} {{'\\n'}} {{'\u00e9'}} {{printf \"%c\" 'x'}}")
case("const_bool_nil", "{{true}} {{false}} {{print nil}}")
case("const_strings", "{{\"a\\tb\\u00e9\\x41\\101\"}}|{{`raw\\n`}}")
case("const_bad_octal", "{{08}}")
case("const_overflow", "{{99999999999999999999}}")
case("const_uint_overflows_int", "{{18446744073709551615}}")
case("const_bad_number", "{{3k}}")
case("const_bad_underscore", "{{1__0}}")
case("const_complex_bad", "{{1+}}")
case("const_complex", "{{1i}} {{1+2i}} {{-1.5-0.5i}} {{1e3-1e-3i}} {{2+0i}} {{0i}} {{1_0i}}")
case("const_complex_hex", "{{0x10+1i}}")
case("const_complex_00", "{{0x1p4+1i}}")
case("const_complex_01", "{{1_0+1i}}")
case("const_complex_02", "{{0b1+1i}}")
case("const_complex_03", "{{0o7+2i}}")
case("const_complex_04", "{{1+0x1i}}")
case("const_complex_05", "{{1e400+1i}}")
case("const_complex_06", "{{1+1e999i}}")
case("const_complex_07", "{{1_+1i}}")
case("const_complex_08", "{{0x+1i}}")
case("const_complex_09", "{{1.e+1i}}")
case("const_complex_10", "{{0x1.8p1-1_0i}}")
case("const_complex_11", "{{017+1i}}")
case("const_complex_12", "{{08+1i}}")
case("complex_printf", "{{printf \"%v|%.2f|%e|%+g|%T|%d|%8.1f\" 1+2i 1+2i -1i 3i 1i 1i 2-3i}}")
case("complex_funcs", "{{eq 1i 1i}} {{eq 1i 2i}} {{if 0i}}t{{else}}f{{end}} {{not 1i}} {{print 1i 2i}} {{indent 2+0i \"x\"}}")
case("complex_lt", "{{lt 1i 2i}}")
case("complex_tojson", "{{toJSON 1i}}")
case("complex_eq_float", "{{eq 1i 1.0}}")
case("nil_command", "{{nil}}")
case("const_hex_float_print", "{{printf \"%v %T\" 0x10 0x10}} {{printf \"%v %T\" 1e2 1e2}}")
case("const_big_float_int", "{{printf \"%T\" 1e19}} {{printf \"%v\" 9223372036854775807}}")

# ---- if / else / with ----
case("if_basic", "{{if .t}}yes{{else}}no{{end}} {{if .fls}}yes{{else}}no{{end}}")
case("if_else_if", "{{if .fls}}a{{else if .zero}}b{{else if .s}}c{{else}}d{{end}}")
case("if_truthiness", "{{if .empty}}1{{end}}{{if .emptylist}}2{{end}}{{if .emptymap}}3{{end}}{{if .zero}}4{{end}}{{if .nul}}5{{end}}{{if .nope}}6{{end}}{{if .s}}7{{end}}{{if .list}}8{{end}}{{if .f}}9{{end}}")
case("with_basic", "{{with .m.c}}{{.d}}{{end}}|{{with .nope}}x{{else}}none{{end}}")
case("with_var", "{{with $x := .s}}{{$x}}{{.}}{{end}}")
case("if_missing_end", "{{if .t}}yes")
case("if_unexpected_end", "{{end}}")
case("else_outside", "a{{else}}b")
case("if_no_pipeline", "{{if}}x{{end}}")
case("with_else_with", "{{with .nope}}a{{else}}{{with .s}}{{.}}{{end}}{{end}}")
case("if_and_or_values", "{{and 1 0 2}} {{or 0 \"\" .s}} {{and .s .i}} {{or .nope .zero}}")
case("and_or_short_circuit", "{{or .s (index .list 99)}} {{and .zero (index .list 99)}}")
case("and_no_args", "{{and}}")
case("not_values", "{{not .t}} {{not .empty}} {{not .nope}} {{not 0}} {{not .list}}")

# ---- range ----
case("range_list", "{{range .strs}}[{{.}}]{{end}}")
case("range_index", "{{range $i, $e := .strs}}{{$i}}={{$e}} {{end}}")
case("range_one_var", "{{range $e := .nums}}{{$e}},{{end}}")
case("range_map_sorted", "{{range $k, $v := .m}}{{$k}}:{{$v}};{{end}}")
case("range_map_values", "{{range .m}}{{.}} {{end}}")
case("range_else", "{{range .emptylist}}x{{else}}empty{{end}} {{range .nope}}x{{else}}missing{{end}}")
case("range_nested", "{{range .VolthaRR}}{{$r := .}}{{range $.strs}}{{$r}}/{{.}} {{end}}{{end}}")
case("range_break", "{{range .nums}}{{if eq . 1.0}}{{break}}{{end}}{{.}}{{end}}")
case("range_continue", "{{range .nums}}{{if eq . 1.0}}{{continue}}{{end}}{{.}}{{end}}")
case("range_break_outside", "{{break}}")
case("range_continue_outside", "{{if true}}{{continue}}{{end}}")
case("range_over_string", "{{range .s}}{{.}}{{end}}")
case("range_over_number", "{{range .i}}{{.}}{{end}}")
case("range_null_elements", "{{range .list}}<{{.}}>{{end}}")
case("range_null_elem_field", "{{range .assign}}{{.host}} {{end}}")
case("range_null_elem_with", "{{range .assign}}{{with .}}{{.id}}{{else}}dead{{end}};{{end}}")
case("range_three_vars", "{{range $a, $b, $c := .strs}}{{end}}")
case("range_assign_existing", "{{$x := 0}}{{range $x = .strs}}{{$x}}{{end}}{{$x}}")
case("range_var_by_ref", "{{range $i, $e := .strs}}{{$e}}{{$e = \"x\"}}{{$e}}{{if $e}}y{{end}};{{end}}{{range $e := .list}}{{if $e}}t{{else}}f{{end}}{{end}} {{range $e := .m}}{{with $e}}{{.}}{{end}}{{end}} {{range $e := .strs}}{{range $e := $.nums}}{{$e}}{{end}}{{$e}}{{end}}")
case("if_simple_forms", "{{if .}}a{{end}}{{if .nope}}b{{else}}c{{end}}{{if .nul}}d{{else}}e{{end}}{{$x := .m}}{{if $x.a}}f{{end}}{{if $x.nope}}g{{end}}{{if $}}h{{end}}{{if .m.c.d}}{{$y := 1}}{{$y}}{{end}}")
case("if_simple_error", "{{if .s.x}}a{{end}}")
case("if_simple_undefined_var", "{{if true}}{{$v := 1}}{{end}}{{if $v}}x{{end}}")
case("range_var_reset", "{{range $i, $e := .strs}}{{$i}}{{end}}{{range $i, $e := .nums}}{{$i}}{{$e}}{{end}}")
case("range_pipeline", "{{range split \",\" .csv}}({{.}}){{end}}")
case("range_break_nested", "{{range .nums}}{{range $.strs}}{{if eq . \"a\"}}{{break}}{{end}}{{.}}{{end}};{{end}}")
case("range_map_index_type", "{{range $k, $v := .m}}{{printf \"%T \" $k}}{{end}}{{range $i, $v := .strs}}{{printf \"%T \" $i}}{{end}}")

# ---- define / template / block ----
case("define_template", "{{define \"T\"}}<{{.}}>{{end}}{{template \"T\" .s}}{{template \"T\"}}")
case("template_dot", "{{define \"T\"}}{{.a}}{{end}}{{template \"T\" .m}}")
case("template_vars_fresh", "{{$x := 1}}{{define \"T\"}}{{$}}{{end}}{{template \"T\" .i}}")
case("template_undefined", "{{template \"nope\"}}")
case("template_recursive", "{{define \"r\"}}{{if .}}{{index . 0}}{{template \"r\" (slice . 1)}}{{end}}{{end}}{{template \"r\" .strs}}")
case("template_infinite", "{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}")
case("block_basic", "{{block \"addrlist\" .VolthaRR}}{{range .}}{{.}} {{end}}{{end}}")
case("block_redefined", "{{define \"b\"}}override{{end}}{{block \"b\" .}}default{{end}}")
case("define_twice", "{{define \"a\"}}1{{end}}{{define \"a\"}}2{{end}}")
case("define_empty_then_full", "{{define \"a\"}}  {{end}}{{define \"a\"}}full{{end}}{{template \"a\"}}")
case("define_only", "{{define \"a\"}}x{{end}}\n")
case("define_missing_end", "{{define \"a\"}}x")
case("define_bad_name", "{{define a}}x{{end}}")
case("template_raw_name", "{{define `t`}}raw{{end}}{{template `t`}}")
case("define_main_name", "{{define \"define_main_name\"}}replaced{{end}}")
case("break_in_define", "{{define \"x\"}}{{break}}{{end}}{{range .strs}}{{template \"x\"}}{{end}}")

# ---- pipelines ----
case("pipe_basic", "{{.s | printf \"%s!\"}} {{.i | printf \"%d-%d\" 1}}")
case("pipe_multi", "{{.s | toUpper | printf \"<%s>\" | len}}")
case("pipe_paren", "{{printf \"%s-%s\" (toUpper .s) (print 1 2)}}")
case("pipe_non_executable", "{{.s | 1}}")
case("pipe_nonfunction_arg", "{{.s | .m}}")
case("pipe_to_dot", "{{1 | .}}")
case("pipe_decl_in_paren", "{{($x := 1)}}")
case("paren_unclosed", "{{(print 1}}")
case("paren_extra", "{{print 1)}}")
case("empty_action", "{{}}")
case("empty_paren", "{{()}}")
case("unclosed_action", "{{.s")
case("unclosed_action_newline", "{{.s\n}}")
case("bad_char_in_action", "{{.s ^ 1}}")
case("unrecognized_rune", "{{\u00e9}}")
case("var_decl_too_many", "{{$a, $b := 1}}")
case("undefined_function", "{{nosuch 1}}")
case("func_wrong_args", "{{len}}")
case("func_too_many_args", "{{len 1 2}}")
case("string_unterminated", "{{\"abc}}")
case("raw_string_multiline", "{{`a\nb`}}")
case("char_unterminated", "{{'a}}")
case("char_too_long", "{{'ab'}}")
case("bad_escape", "{{\"\\q\"}}")
case("dot_after_const", "{{\"x\".y}}")
case("colon_not_declare", "{{$x : 1}}")
case("unexpected_rparen", "{{)}}")
case("line_numbers_error", "line1\nline2 {{.s}}\nline3 {{.nope.x | len}}")

# ---- builtins: len, index, slice ----
case("len_values", "{{len .s}} {{len .list}} {{len .m}} {{len .emptylist}} {{len .uni}}")
case("len_number", "{{len .i}}")
case("len_nil", "{{len .nope}}")
case("len_null", "{{len .nul}}")
case("len_nil_const", "{{len nil}}")
case("len_missing_piped", "{{.nope | len}}")
case("len_missing_var", "{{$x := .nope}}{{len $x}}")
case("builtins_missing_vs_null", "{{and .nope 1}}|{{or .nope .nul}}|{{not .nope}}|{{eq .nope .nul}}|{{eq nil .nope}}|{{ne .nul nil}}|{{and nil 1}}|{{or 0 nil}}|{{print .nope .nul}}")
case("index_missing_key", "{{index .m .nope}}")
case("index_missing_list_index", "{{index .strs .nope}}")
case("lt_missing", "{{lt .nope .nul}}")
case("slice_missing_index", "{{slice .strs .nope}}")
case("call_missing", "{{call .nope}}")
case("index_list", "{{index .strs 0}} {{index .list 5 1}} {{index .list 6 \"k\"}}")
case("index_map", "{{index .m \"a\"}} {{index .m \"c\" \"d\"}} {{index .m \"missing\"}}")
case("index_string", "{{index .s 1}} {{printf \"%c\" (index .s 1)}}")
case("index_out_of_range", "{{index .strs 3}}")
# index of a string is a byte: Go's uint8 (printing, %T, verbs, comparisons, math).
case("index_string_uint8_verbs", "{{printf \"%T %v %d %x %X %o %O %b %c %q %U %#U %#v %#x %+d % d %5d %-5d| %05d %e %s %t\" (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1) (index .s 1)}}")
case("index_string_uint8_cmp", "{{eq (index .s 0) 104}} {{eq 104 (index .s 0)}} {{eq (index .s 0) -1}} {{eq -1 (index .s 0)}} {{eq (index .s 0) (index .s 0)}} {{ne (index .s 0) 1}} {{lt (index .s 0) 200}} {{lt -1 (index .s 0)}} {{lt (index .s 0) -1}} {{le (index .s 0) 104}} {{gt 105 (index .s 0)}} {{ge (index .s 0) 104}} {{eq (index .s 0) 'h'}} {{lt (index \"\\x01\" 0) (index \"\\x02\" 0)}}")
case("index_string_uint8_eq_float", "{{eq (index .s 0) 104.0}}")
case("index_string_uint8_eq_string", "{{eq (index .s 0) \"h\"}}")
case("index_string_uint8_eq_nil", "{{eq (index .s 0) nil}} {{eq (index .s 0) .nope}}")
case("index_string_uint8_math", "{{add 1 (index .s 0)}} {{printf \"%T\" (add 1 (index .s 0))}} {{add (index .s 0) (index .s 0)}} {{printf \"%T\" (add (index .s 0) (index .s 0))}} {{subtract (index .s 1) (index .s 0)}} {{add 0.5 (index .s 0)}} {{modulo 7 (index .s 0)}} {{divide (index .s 0) 7}} {{multiply (index .s 0) (index .s 0)}} {{printf \"%#v %x %d %T\" (subtract (index \"\\x01\" 0) (index \"\\x00\" 0)) (subtract (index \"\\x01\" 0) (index \"\\x00\" 0)) (subtract (index \"\\x01\" 0) (index \"\\x00\" 0)) (divide 1.0 (index .s 0))}}")
case("index_string_uint8_mod_float", "{{modulo 1.5 (index .s 0)}}")
case("index_string_uint8_div_zero", "{{divide (index \"\\x00\" 0) (index .s 0)}}")
case("index_string_uint8_div_zero_int", "{{divide 0 (index .s 0)}}")
case("index_string_uint8_len", "{{len (index .s 0)}}")
case("index_string_uint8_range", "{{range (index .s 0)}}{{end}}")
case("index_string_uint8_int_param", "{{indent (index .s 0) \"x\"}}")
case("index_string_uint8_as_index", "{{slice .s (index \"\\x01\" 0)}} {{index .strs (index \"\\x02\" 0)}} {{printf \"%*d|%.*f\" (index \"\\x05\" 0) 1 (index \"\\x02\" 0) 3.14159}}")
case("index_string_uint8_funcs", "{{if index \"\\x00\" 0}}t{{else}}f{{end}} {{not (index .s 0)}} {{and (index .s 0) 1}} {{print (index .s 0) (index .s 1)}} {{html (index .s 0)}} {{toJSON (index .s 0)}} {{contains (index .s 0) .nums}} {{println (index .s 0) 1}} {{printf \"%d %d\" 1 2 (index .s 0)}} {{printf \"%!\" (index .s 0)}}")
case("index_string_uint8_field", "{{(index .s 0).x}}")
case("index_string_uint8_utf8", "{{printf \"%v\" (index .uni 1)}} {{printf \"%c|%q|%+q\" (index .uni 1) (index .uni 1) (index .uni 1)}} {{index \"\\xff\" 0}} {{printf \"%x\" (index \"\\xff\" 0)}}")
case("index_string_past_end", "{{index .s 5}}")
case("index_negative", "{{index .strs -1}}")
case("index_float_key", "{{index .strs 1.0}}")
case("index_json_number", "{{index .strs .zero}}")
case("index_map_int_key", "{{index .m 1}}")
case("index_nil", "{{index .nope 1}}")
case("index_through_null", "{{index .m \"c\" \"n\" \"x\"}}")
case("index_no_keys", "{{index .strs}}")
case("index_number", "{{index .i 0}}")
case("slice_list", "{{slice .strs 1}} {{slice .strs 1 2}} {{slice .strs}} {{slice .strs 0 0}}")
case("slice_string", "{{slice .s 1 3}} {{slice .s 2}} {{slice .uni 0 2}}")
case("slice_bad", "{{slice .strs 2 1}}")
case("slice_string_3", "{{slice .s 1 2 3}}")
case("slice_list_3", "{{slice .strs 0 1 2}}")
case("slice_number", "{{slice .i 1}}")
# Go may slice up to a decoded list's capacity (append growth); beyond it both fail.
case("slice_out_of_range", "{{slice .strs 0 9}}")
# A decoded list's capacity is Go's append growth (3 elements: cap 4); the spare capacity is nil.
case("slice_past_len", "{{slice .strs 0 4}} {{len (slice .strs 0 4)}} {{index (slice .strs 0 4) 3}} {{printf \"%v %d %#v\" (slice .strs 1 4) (len (slice .strs 2 4)) (slice .nums 3 4)}}")
case("slice_past_cap", "{{slice .strs 0 5}}")
case("slice_past_cap_start", "{{slice .strs 5}}")
case("slice_start_in_cap", "{{slice .strs 4 4}}|{{len (slice .strs 3)}}|{{slice .strs 3 4}}")
case("slice_start_past_len", "{{slice .strs 4}}")
case("slice_of_slice_cap", "{{$s := slice .list 2 3}}{{$s}} {{slice $s 0 6}} {{len (slice $s 5 6)}} {{slice $s 6 6}}")
case("slice_of_slice_past_cap", "{{$s := slice .list 2 3}}{{slice $s 0 7}}")
case("slice3_sets_cap", "{{$s := slice .strs 0 1 2}}{{$s}} {{slice $s 0 2}} {{slice .strs 1 4 4}} {{slice .strs 0 0 0}}")
case("slice3_past_new_cap", "{{$s := slice .strs 0 1 2}}{{slice $s 0 3}}")
case("slice3_past_cap", "{{slice .strs 0 2 5}}")
case("slice3_bad_order", "{{slice .strs 0 3 2}}")
case("slice_empty_list_cap", "{{slice .emptylist 0 0}}{{slice .emptylist 0}}")
case("slice_empty_list_past", "{{slice .emptylist 0 1}}")
case("slice_split_no_spare_cap", "{{slice (split \",\" \"a,b\") 0 2}}{{slice (split \",\" \"a,b\") 0 3}}")
case("slice_parsejson_cap", "{{slice (parseJSON \"[1,2,3,4,5]\") 0 8}} {{slice (parseJSON \"[[1]]\") 0 1}}")
case("slice_parsejson_past", "{{slice (parseJSON \"[1,2,3,4,5]\") 0 9}}")
case("slice_range_spare", "{{range $i, $e := slice .strs 1 4}}{{$i}}={{$e}};{{end}}{{range slice .nums 2 4}}[{{.}}]{{end}}")
case("slice_spare_funcs", "{{toJSON (slice .nums 0 4)}} {{print (slice .strs 0 4)}} {{eq (index (slice .strs 0 4) 3) nil}} {{if index (slice .strs 0 4) 3}}t{{else}}f{{end}}")
case("slice_spare_field", "{{(index (slice .strs 0 4) 3).x}}")
case("slice_spare_join", "{{join \",\" (slice .strs 0 4)}}")


def go_append_cap(n):
    """Go 1.19's cap() after appending n elements one by one to make([]any, 0)."""
    classes = [0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
               288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280,
               1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528,
               6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432,
               19072, 20480, 21760, 24576, 27264, 28672, 32768]
    cap = 0
    while cap < n:
        need = cap + 1
        new = need if need > 2 * cap else (2 * cap if cap < 256 else cap)
        while new < need:
            new += (new + 768) // 4
        size = new * 16
        size = min(c for c in classes if c >= size) if size < 32768 else (size + 8191) // 8192 * 8192
        cap = size // 16
    return cap


# Lists of lengths around the growth steps: up to the capacity works, one more fails.
for n in (1, 2, 5, 9, 17, 100, 255, 257, 300, 513, 1000, 2049, 3000):
    c = go_append_cap(n)
    case("slice_cap_len%d" % n,
         "{{len (slice .l 0 %d)}} {{index (slice .l %d) 0}} {{slice .l %d %d}} {{slice .l %d}}" % (c, n - 1, c, c, n),
         {"l": list(range(n))})
    if n in (5, 257, 1000):
        case("slice_cap_len%d_past" % n, "{{slice .l 0 %d}}" % (c + 1), {"l": list(range(n))})

# ---- comparisons ----
case("eq_basic", "{{eq .s \"hello\"}} {{eq .i 3.0}} {{eq 1 1}} {{eq \"a\" \"b\"}} {{eq .t true}}")
case("eq_multi", "{{eq .s \"x\" \"y\" \"hello\"}} {{eq 2 1 3}}")
case("eq_float_vs_int", "{{eq .i 3}}")
case("eq_nil", "{{eq .nope .nul}} {{eq .nope \"x\"}} {{eq .nul 1}}")
case("eq_list", "{{eq .strs .strs}}")
case("eq_list_nil", "{{eq .strs .nope}} {{eq .nope .m}}")
case("eq_list_map", "{{eq .strs .m}}")
case("eq_one_arg", "{{eq 1}}")
case("ne_basic", "{{ne .s \"x\"}} {{ne 1 1}} {{ne .nope .nope}}")
case("ne_types", "{{ne 1 \"1\"}}")
case("lt_family", "{{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge .f 1.5}} {{lt .neg .zero}} {{gt 3 2}} {{le \"a\" \"b\"}} {{ge 1 2}}")
case("lt_bool", "{{lt true false}}")
case("lt_mixed", "{{lt 1 1.5}}")
case("lt_nil", "{{lt .nope 1}}")
case("lt_list", "{{lt .strs .strs}}")
case("le_eq_path", "{{le 1.5 .f}} {{gt .f 1.5}}")

# ---- print family ----
case("print_spacing", "{{print 1 2 \"a\" \"b\" 3 .t .s .f}}|{{print \"a\" 1 \"b\"}}|{{print}}")
case("print_nil_missing", "{{print .nope .nul nil}}")
case("println_basic", "{{println 1 \"a\" .strs .m}}")
case("print_list_map", "{{print .list}} {{print .m}} {{print .emptylist .emptymap}}")
case("print_floats", "{{print .n .f .big .small 1.0 100000000.0}}")

# ---- printf verbs ----
case("printf_v", "{{printf \"%v|%v|%v|%v|%v|%v\" .s .i .t .nope .list .m}}")
case("printf_plus_sharp_v", "{{printf \"%+v|%#v|%#v|%#v|%#v\" .m .s .list .m .f}}")
case("printf_s", "{{printf \"%s|%5s|%-5s|%.2s|%5.1s|%05s\" .s \"ab\" \"ab\" .s .s \"ab\"}}")
case("printf_s_bad", "{{printf \"%s|%s|%s\" .i .t .f}}")
case("printf_d", "{{printf \"%d|%5d|%-5d|%05d|%+d|% d|%.3d|%x|%X|%o|%O|%b|%#x|%#o|%#b\" 42 42 42 -42 42 42 7 255 255 8 8 5 255 8 5}}")
case("printf_d_float", "{{printf \"%d\" .f}}|{{printf \"%d\" .i}}")
case("printf_d_string", "{{printf \"%d|%5d\" .s .s}}")
case("printf_q", "{{printf \"%q|%+q|%#q|%q|%q|%q\" .s .uni .s .ctrl \"`back`\" 'x'}}")
case("printf_q_int", "{{printf \"%q %q %+q %q\" 65 0x1F600 0x1F600 -1}}")
case("printf_x_string", "{{printf \"%x|%X|% x|%#x|%# X|%.2x|%8x\" .s .s .s .s .s .s \"ab\"}}")
case("printf_x_list", "{{printf \"%x|%d|%s\" .strs .nums .mixed}}")
case("printf_f", "{{printf \"%f|%.2f|%8.3f|%-8.1f|%+.1f|%08.2f|%.0f|%.0f|%.0f\" .pi .pi .pi .pi .pi .neg 0.5 1.5 2.5}}")
case("printf_e", "{{printf \"%e|%.2e|%E|%.0e|%e|%e\" .pi .n .small .big .zero .huge}}")
case("printf_g", "{{printf \"%g|%.3g|%G|%g|%g|%.10g|%g|%.2g\" .pi .pi .small .big .n .pi .tiny 100.0}}")
case("printf_g_sharp", "{{printf \"%#g|%#.3g|%#v|%#f|%#.0f|%#e\" 1.0 2.0 3.0 1.5 2.0 1.0}}")
case("printf_float_x", "{{printf \"%x|%X|%.2x|%b\" 1.0 .pi .pi 1.0}}")
case("printf_t", "{{printf \"%t|%t|%6t|%-6t|\" .t .fls .t .fls}}")
case("printf_t_bad", "{{printf \"%t|%t\" 1 .s}}")
case("printf_percent", "{{printf \"100%% %5%|%-5%|\"}}")
case("printf_missing", "{{printf \"%s %d %v\" .s}}")
case("printf_extra", "{{printf \"%s\" .s 1 \"x\" .nope}}")
case("printf_noverb", "{{printf \"abc%\"}}|{{printf \"%-\"}}")
case("printf_star", "{{printf \"%*d|%-*d|%.*f|%*s\" 5 42 5 42 2 .pi -4 \"ab\"}}")
case("printf_star_bad", "{{printf \"%*d\" \"x\" 42}}|{{printf \"%.*d\" -1 42}}")
case("printf_index", "{{printf \"%[2]s %[1]s %s\" \"a\" \"b\"}}|{{printf \"%[3]d\" 1}}|{{printf \"%[1]d %[1]x\" 31}}")
case("printf_bad_index", "{{printf \"%[x]d\" 1}}|{{printf \"%[0]d\" 1}}")
# %p: an address for slices and maps (its shape is checked by the diff test), an error otherwise;
# addresses compare as in Go (a slice shares its array; an exhausted slice keeps its base).
case("printf_p_non_pointer", "{{printf \"%p|%p|%p|%p|%p|%p|%#p|%p|%5p\" .s .f 1 .t nil (index .s 0) .s .nope 1i}}")
case("printf_p_identity", "{{eq (printf \"%p\" .strs) (printf \"%p\" .strs)}} {{eq (printf \"%p\" .strs) (printf \"%p\" (slice .strs 0))}} {{eq (printf \"%p\" .strs) (printf \"%p\" (slice .strs 1))}} {{eq (printf \"%p\" .strs) (printf \"%p\" (slice .strs 4 4))}} {{eq (printf \"%p\" .strs) (printf \"%p\" (slice .strs 3 3))}} {{eq (printf \"%p\" .m) (printf \"%p\" .m)}} {{eq (printf \"%p\" .m) (printf \"%p\" .m.c)}} {{eq (printf \"%p\" .emptylist) (printf \"%p\" (parseJSON \"[]\"))}} {{eq (printf \"%p\" .emptylist) (printf \"%p\" (split \",\" \"\"))}} {{eq (printf \"%p\" .strs) (printf \"%p\" .nums)}} {{eq (printf \"%p\" .strs) (printf \"%p\" (slice .strs 0 0 0))}} {{eq (printf \"%p\" (slice .strs 1)) (printf \"%p\" (slice (slice .strs 1 2) 0))}}")
case("printf_p_in_list", "{{printf \"%v\" (printf \"%p\" .strs | len | lt 2)}}")
case("printf_nil", "{{printf \"%v|%s|%d|%T\" nil .nope .nul nil}}")
case("printf_T", "{{printf \"%T|%T|%T|%T|%T|%T|%T\" .s .i 1 1.0 .t .list .m}}")
case("printf_c_U", "{{printf \"%c|%U|%#U|%5c|%08U\" 9731 9731 9731 65 65}}")
case("printf_unicode_width", "{{printf \"%6s|%-6s|%.3s\" \"\u00e9\u00e9\" \"\u65e5\u672c\" .uni}}")
case("printf_list_width", "{{printf \"%5v|%-4v|%03d\" .nums .strs .nums}}")
case("printf_map_verbs", "{{printf \"%d|%s|%q\" .m .m .emptymap}}")
case("printf_nested_nil", "{{printf \"%d|%s\" .list .list}}")
case("printf_bad_verb", "{{printf \"%z|%!|%\u00e9\" 1 2 3}}")
case("printf_not_string_format", "{{printf .i}}")
case("printf_int64", "{{printf \"%d %v %x %T\" (add 1 2) (add 1 2) (multiply 16 16) (add 1 2)}}")
case("printf_plus_space_float", "{{printf \"%+f|% f|% .2e|%+g|% g\" .pi .pi .neg .f .neg}}")
case("printf_zero_pad_neg", "{{printf \"%06.2f|%06d|%-06d|%+06d\" .neg -42 -42 42}}")
case("printf_inf_nan", "{{printf \"%v %f %5.1f %+v\" (divide 0.0 1.0) (divide 0.0 -1.0) (divide 0.0 1.0) (divide 0.0 1.0)}}")
case("printf_big_width", "{{printf \"%30.20f|%-30e|\" .pi .pi}}")
case("printf_prec_string_trunc", "{{printf \"%.0s|%.1q|%.3x\" .s .s .s}}")

# ---- html, js, urlquery ----
case("html_escape", "{{html .html}} {{html \"a\\x00b\"}} {{html 1 2}} {{.html | html}}")
case("js_escape", "{{js .html}} {{js .ctrl}} {{js \"a=b\\\\c\"}} {{js .uni}} {{js 1 \"x\"}}")
case("urlquery_escape", "{{urlquery \"a b&c=d/e?f\"}} {{urlquery .uni}} {{urlquery 1 2}} {{urlquery \"-_.~\"}}")
case("call_builtin", "{{call .s}}")
case("call_nil", "{{if false}}{{call .s}}{{end}}ok")

# ---- unicode ----
case("unicode_text", "\u65e5\u672c\u8a9e {{.uni}} \u2603\n")
case("unicode_ident", "{{range $\u00e9l\u00e9ment := .strs}}{{$\u00e9l\u00e9ment}}{{end}}")
case("unicode_field", "{{.\u00e9t\u00e9}}", {"\u00e9t\u00e9": "summer"})
case("unicode_len_slice", "{{len .uni}} {{slice .uni 1 3}}")
case("invalid_utf8_data", "{{.}}|{{printf \"%q\" .}}|{{len .}}", "a\ud800b")

# Data files written byte for byte (invalid UTF-8, JSON edge cases).
RAW_DATA = {}
case("invalid_utf8_raw", "{{.s}}|{{printf \"%q %x\" .s .s}}|{{len .s}}|{{toJSON .s}}")
RAW_DATA["invalid_utf8_raw"] = b'{"s": "a\xff\xfeb\xc3"}'
case("json_dup_keys", "{{.a}} {{len .}}")
RAW_DATA["json_dup_keys"] = b'{"a": 1, "a": 2, "b": 3}'
case("json_surrogates", "{{.}}")
RAW_DATA["json_surrogates"] = b'"\ud83d\ude00 \udc00 \ud800x \u00e9"'
case("json_big_number", "{{.}}")
RAW_DATA["json_big_number"] = b'1e400'
case("json_deep_exponent", "{{.a}} {{.b}} {{.c}}")
RAW_DATA["json_deep_exponent"] = b'{"a": 1e-400, "b": 123456789012345678901234567890, "c": -0}'
case("json_trailing", "{{.}}")
RAW_DATA["json_trailing"] = b'{"a":1} x'
case("json_bad_escape", "{{.}}")
RAW_DATA["json_bad_escape"] = b'"\\x"'
case("json_ws", "{{.a}}")
RAW_DATA["json_ws"] = b' \t\r\n{ "a" :\n [ 1 , 2 ] } \n'
case("json_depth_10000", "{{len .}}")
RAW_DATA["json_depth_10000"] = b"[" * 10000 + b"]" * 10000
case("json_depth_print", "{{.}}|{{toJSON .}}|{{printf \"%d\" .}}|{{printf \"%#v\" .}}")
RAW_DATA["json_depth_print"] = b"[" * 10000 + b"1" + b"]" * 10000
case("json_depth_10001", "{{len .}}")
RAW_DATA["json_depth_10001"] = b"[" * 10001 + b"]" * 10001
# JSON errors: Go's encoding/json texts, at the byte its scanner stops at.
JSON_ERRORS = {
    "trailing_comma_list": b"[1,]", "key_no_colon": b'{"a" 1}', "trailing_comma_map": b'{"a":1,}',
    "map_comma": b"{,}", "list_leading_comma": b"[,1]", "bad_literal_start": b"tx",
    "bad_literal_true": b"trux", "eof_literal_false": b"fals", "bad_literal_null": b"nulL",
    "bad_literal_false": b"fxlse", "minus_eof": b"-", "minus_letter": b"-x", "dot_eof": b"1.",
    "dot_letter": b"1.x", "exp_eof": b"1e", "exp_sign_eof": b"1e+", "exp_letter": b"1ex",
    "exp_sign_letter": b"[1e-x]", "control_in_string": b'"a\x01"', "bad_escape_q": b'"\\q"',
    "bad_hex_escape": b'"\\u12x4"', "hex_escape_eof": b'"\\u12', "string_eof": b'"abc',
    "missing_value": b'{"a":}', "key_eof": b'{"a"', "list_no_comma": b"[1 2]",
    "map_no_comma": b'{"a":1 "b":2}', "range_then_syntax": b"[1e400, x]",
    "two_ranges": b"[1e400, 1e500]", "single_quote": b"'a'", "high_byte": b"\xff",
    "nul_after_value": b'"a"\x00', "only_space": b" \n\t", "nested_range": b'{"a":[1e999]}',
    "quote_char": b'["a"]"', "backslash_char": b"\\", "escape_at_eof": b'"\\',
    "leading_zero_in_list": b"[01]", "unicode_char": "[\u00e9]".encode(), "del_char": b"\x7f",
    "empty_key_eof": b"{", "number_then_letter": b"[1x]", "plus_number": b"+1",
}
for _name, _raw in JSON_ERRORS.items():
    case("json_err_" + _name, "{{.}}")
    RAW_DATA["json_err_" + _name] = _raw

# ---- consul-template functions ----
case("isfirst", "{{range .VolthaRR}}{{if isFirst}}first:{{else}},{{end}}{{.}}{{end}}")
case("isfirst2_independent", "{{range .strs}}{{if isFirst}}A{{end}}{{if isFirst2}}B{{end}}{{.}}{{end}}")
case("isfirst_args", "{{isFirst 1}}")
case("tojson", "{{toJSON .m}} {{toJSON .list}} {{toJSON .html}} {{toJSON .s}} {{toJSON .nope}} {{toJSON 1}} {{toJSON .n}} {{toJSON .small}} {{toJSON .big}} {{toJSON .ctrl}}")
case("tojson_floats", "{{toJSON .}}", [1e21, 1e20, 1e-6, 1e-7, 0.1, -0.0, 123456789.125, 5e-324, 1.7976931348623157e308])
case("tojson_unicode", "{{toJSON .uni}} {{toJSON \"\u2028\u2029\"}}")
case("tojson_inf", "{{toJSON (divide 0.0 1.0)}}")
case("tojson_pretty", "{{toJSONPretty .m}}\n{{toJSONPretty .list}}\n{{toJSONPretty .emptymap}}{{toJSONPretty .emptylist}}")
case("tojson_int64", "{{toJSON (add 1 2)}} {{toJSON (add 1.5 2)}}")
case("parsejson", "{{$j := parseJSON .json}}{{$j.a}} {{index $j.x 2}} {{len $j.x}} {{toJSON $j}}")
case("parsejson_empty", "{{parseJSON \"\"}}")
case("parsejson_bad", "{{parseJSON \"{bad\"}}")
case("parsejson_scalar", "{{parseJSON \"1e3\"}} {{parseJSON \"\\\"s\\\"\"}} {{parseJSON \"null\"}}")
case("join_split", "{{join \",\" .VolthaRR}} {{join \"-\" (split \",\" .csv)}} {{join \"\" .emptylist}}")
case("join_non_string", "{{join \",\" .nums}}")
case("join_not_list", "{{join \",\" .s}}")
case("split_cases", "{{split \",\" .csv}} {{len (split \",\" \"  \")}} {{split \"\" \"ab\u00e9\"}} {{split \"x\" \"  axb  \"}}")
case("split_non_string", "{{split \",\" .nums}}")
# split gives a []string (Go's strings.Split), not a []interface {}.
case("split_type", "{{printf \"%T %#v %T %T %#v %#v\" (split \",\" \"a,b\") (split \",\" \"a,b\") (slice (split \",\" \"a,b\") 1) (index (split \",\" \"a,b\") 0) (split \",\" \" \") (slice (split \",\" \"a,b\") 0 0)}}")
case("split_eq_error", "{{eq (split \",\" \"a,b\") (split \",\" \"a,b\")}}")
case("split_eq_list", "{{eq .strs (split \",\" \"a,b\")}}")
case("split_eq_map", "{{eq (split \",\" \"a,b\") .m}}")
case("split_eq_nil", "{{eq (split \",\" \"a,b\") nil}} {{eq (split \",\" \"a,b\") .nope}} {{ne .nope (split \",\" \"\")}}")
case("split_lt", "{{lt (split \",\" \"a\") 1}}")
case("split_funcs", "{{toJSON (split \",\" \"a,b\")}} {{toJSON (split \",\" \"\")}} {{toJSONPretty (split \",\" \"a,b\")}} {{html (split \",\" \"a,<b\")}} {{print (split \",\" \"a,b\") 1}} {{contains \"a\" (split \",\" \"a,b\")}} {{len (split \",\" \"a,b\")}} {{printf \"%d|%s|%q|%x|%v\" (split \",\" \"a,b\") (split \",\" \"a,b\") (split \",\" \"a,b\") (split \",\" \"a,b\") (split \"\" \"\")}}")
case("split_range_types", "{{range $i, $e := split \",\" \"a,b\"}}{{$i}}{{$e}}{{printf \"%T\" $e}}{{end}}{{range split \",\" \"\"}}x{{else}}empty{{end}} {{if split \",\" \"a\"}}y{{end}} {{not (split \",\" \"\")}}")
case("split_index_string_key", "{{index (split \",\" \"a\") \"a\"}}")
case("split_index_past", "{{index (split \",\" \"a,b\") 2}}")
case("split_field", "{{with split \",\" \"a\"}}{{.x}}{{end}}")
case("split_range_elem_field", "{{range split \",\" \"a\"}}{{.x}}{{end}}")
case("split_range_var_field", "{{range $e := split \",\" \"a\"}}{{$e.x}}{{end}}")
# range over a []any or map: the element is an interface {} value (Go's error names that type).
case("range_elem_field_iface", "{{range .strs}}{{.x}}{{end}}")
case("range_map_elem_field_iface", "{{range .m}}{{.x}}{{end}}")
case("range_var_field_iface", "{{range $e := .strs}}{{$e.x}}{{end}}")
case("range_kv_field_iface", "{{range $k, $v := .m}}{{$v.x}}{{end}}")
case("range_if_elem_field_iface", "{{range .strs}}{{if .}}{{.x}}{{end}}{{end}}")
case("range_with_elem_field", "{{range .strs}}{{with .}}{{.x}}{{end}}{{end}}")
case("range_assigned_elem_field", "{{range .strs}}{{$v := .}}{{$v.x}}{{end}}")
case("range_reassigned_var_field", "{{range $e := .strs}}{{$e = \"s\"}}{{$e.x}}{{end}}")
case("range_template_elem_field", "{{define \"T\"}}{{.x}}{{end}}{{range .strs}}{{template \"T\" .}}{{end}}")
case("range_elem_field_arg", "{{range .strs}}{{printf \"%v\" .x}}{{end}}")
case("case_funcs", "{{toLower \"HeLLo \u00c9\u00c0\"}} {{toUpper .uni}} {{toUpper .greek}} {{toLower .greek}}")
case("totitle", "{{toTitle .title}} {{toTitle .greek}} {{toTitle \"\u01c6x \u01c6\"}}")
case("trimspace", "[{{trimSpace .ws}}] [{{trimSpace \"\\u00a0 x \\u3000\"}}] [{{trimSpace \"\"}}]")
case("replaceall", "{{replaceAll \"l\" \"L\" .s}} {{replaceAll \"\" \"-\" \"ab\u00e9\"}} {{replaceAll \"x\" \"y\" \"\"}}")
case("regexmatch", "{{regexMatch \"^h.*o$\" .s}} {{regexMatch \"[0-9]+\" .s}} {{regexMatch \"(?i)HELLO\" .s}} {{regexMatch \"\\\\bw\\\\w+\" .uni}}")
case("regexmatch_bad", "{{regexMatch \"(\" .s}}")
case("regex_err_00", "{{regexMatch \"(\" \"x\"}}")
case("regex_err_01", "{{regexMatch \")\" \"x\"}}")
case("regex_err_02", "{{regexMatch \"a)\" \"x\"}}")
case("regex_err_03", "{{regexMatch \"[a\" \"x\"}}")
case("regex_err_04", "{{regexMatch \"[z-a]\" \"x\"}}")
case("regex_err_05", "{{regexMatch \"a**\" \"x\"}}")
case("regex_err_06", "{{regexMatch \"*\" \"x\"}}")
case("regex_err_07", "{{regexMatch \"x{2,1}\" \"x\"}}")
case("regex_err_08", "{{regexMatch \"x{1001}\" \"x\"}}")
case("regex_err_09", "{{regexMatch \"\\\\q\" \"x\"}}")
case("regex_err_10", "{{regexMatch \"a\\\\\" \"x\"}}")
case("regex_err_11", "{{regexMatch \"(?P<>a)\" \"x\"}}")
case("regex_err_12", "{{regexMatch \"(?i\" \"x\"}}")
case("regex_err_13", "{{regexMatch \"(?z)\" \"x\"}}")
case("regex_err_14", "{{regexMatch \"[[:foo:]]\" \"x\"}}")
case("regex_err_15", "{{regexMatch \"\\\\pX\" \"x\"}}")
case("regex_err_16", "{{regexMatch \"\\\\p{Foo}\" \"x\"}}")
case("regex_err_17", "{{regexMatch \"a{2}{3}\" \"x\"}}")
case("regex_err_18", "{{regexMatch \"a++\" \"x\"}}")
case("regex_err_19", "{{regexMatch \"(?<n>a)\" \"x\"}}")
case("regex_err_20", "{{regexMatch \"\\\\8\" \"x\"}}")
case("regex_err_21", "{{regexMatch \"\\\\C\" \"x\"}}")
case("regex_err_22", "{{regexMatch \"x{1,1001}\" \"x\"}}")
case("regex_err_23", "{{regexMatch \"[a-\\\\d]\" \"x\"}}")
case("regex_err_24", "{{regexMatch \"(?P=n)\" \"x\"}}")
case("regex_err_25", "{{regexMatch \"\\\\Z\" \"x\"}}")
case("regex_err_26", "{{regexMatch \"(a\" \"x\"}}")
case("regex_err_27", "{{regexMatch \"[^]\" \"x\"}}")
case("regex_err_28", "{{regexMatch \"\\\\Q\\\\C\\\\E(\" \"x\"}}")
case("regex_err_29", "{{regexMatch \"a\\\\\\\\C(\" \"x\"}}")
case("regex_err_30", "{{regexMatch \"a\\\\C(\" \"x\"}}")
case("regex_err_31", "{{regexReplaceAll \"[\\\\C]\" \"x\" \"y\"}}")
case("regex_ok_edges", "{{regexMatch \"(?P<1a>x)\" \"x\"}} {{regexMatch \"\\\\z\" \"x\"}} {{regexMatch \"a{,3}\" \"a{,3}\"}} {{regexMatch \"[]a]\" \"]\"}} {{regexMatch \"\\\\Q\\\\C\\\\E\" \"\\\\C\"}}")
case("regexreplace", "{{regexReplaceAll \"l+\" \"L\" .s}} {{regexReplaceAll \"(\\\\w+)@(\\\\w+)\" \"$2 at $1\" \"joe@host x@y\"}} {{regexReplaceAll \"a*\" \"-\" \"baaac\"}}")
case("regexreplace_named", "{{regexReplaceAll \"(?P<first>\\\\w+) (?P<last>\\\\w+)\" \"${last}, $first $$ $1x ${1}x $9\" \"John Smith\"}}")
case("regexreplace_empty", "{{regexReplaceAll \"\" \"-\" \"\u00e9a\"}} {{regexReplaceAll \"x*\" \"-\" \"\"}} {{regexReplaceAll \"^\" \">\" \"ab\"}} {{regexReplaceAll \"$\" \"<\" \"ab\"}}")
case("regex_unicode_class", "{{regexReplaceAll \"\\\\p{Greek}+\" \"G\" .greek}} {{regexMatch \"^.{3}$\" \"\u65e5\u672c\u8a9e\"}}")
case("contains", "{{contains \"ell\" .s}} {{contains \"a\" .strs}} {{contains \"z\" .strs}} {{contains 3.0 .nums}} {{contains 3 .nums}} {{contains \"x\" .m}} {{contains 1 .s}}")
case("contains_nil", "{{contains .nope .s}}")
case("contains_nil_numbers", "{{contains .nope .nums}}")
case("env_func", "[{{env \"VS_TMPL_TEST_ENV\"}}] [{{env \"VS_TMPL_SURELY_UNSET_VAR\"}}]")
case("math_ints", "{{add 1 2}} {{subtract 1 5}} {{multiply 3 4}} {{divide 2 7}} {{modulo 3 7}} {{add -1 1}}")
case("math_floats", "{{add .f .i}} {{subtract .f 10}} {{multiply .f .f}} {{divide 3 .f}} {{add 1 .n}} {{divide 3.0 1}}")
case("math_pipe", "{{.i | add 10}} {{7 | subtract 2}} {{len .strs | multiply 10}}")
case("math_div_zero", "{{divide 0 1}}")
case("math_mod_zero", "{{modulo 0 1}}")
case("math_mod_float", "{{modulo 2 .f}}")
case("math_string", "{{add \"1\" 2}}")
case("math_nil", "{{add .nope 2}}")
case("math_overflow", "{{add 9223372036854775807 1}} {{multiply 4611686018427387904 4}}")
case("math_minint_div", "{{divide -1 -9223372036854775808}} {{modulo -1 -9223372036854775808}}")
case("base64", "{{base64Encode .s}} {{base64Encode \"\"}} {{base64Encode \"ab\"}} {{base64Encode \"abcd\"}} {{base64Decode .b64}} {{base64Decode \"YWI=\\n\"}}")
case("base64_bad", "{{base64Decode \"abc\"}}")
case("base64_bad_char", "{{base64Decode \"a*==\"}}")
case("base64_dec_newlines", "{{base64Decode \"YW\\nJj\\r\\nZGVm\"}}")
case("base64_dec_pad_then_newline_x", "{{base64Decode \"YQ==\\nx\"}}")
case("base64_dec_one_pad", "{{base64Decode \"YQ=\"}}")
case("base64_dec_pad_x", "{{base64Decode \"YQ=x\"}}")
case("base64_dec_two_quanta_padded", "{{base64Decode \"YQ==YQ==\"}}")
case("base64_dec_only_newline", "{{base64Decode \"\\n\"}}")
case("base64_dec_one_char", "{{base64Decode \"Y\"}}")
case("base64_dec_no_pad", "{{base64Decode \"YWJjZA\"}}")
case("base64_dec_short_pad", "{{base64Decode \"YWJjZA=\"}}")
case("base64_dec_pad_middle", "{{base64Decode \"YW=j\"}}")
case("base64_dec_only_pad", "{{base64Decode \"=\"}}")
case("base64_dec_long_bad_tail", "{{base64Decode \"YWJjZGVmZ2hp*\"}}")
case("base64_dec_newline_in_pad", "{{base64Decode \"YQ=\\n=\"}}")
case("base64_dec_eight_then_bad", "{{base64Decode \"YWJjZGVm!\"}}")
case("sha256", "{{sha256Hex .s}} {{sha256Hex \"\"}} {{sha256Hex .uni}}")
case("sha256_long", "{{sha256Hex (printf \"%0100d\" 0)}} {{sha256Hex (printf \"%055d\" 0)}} {{sha256Hex (printf \"%056d\" 0)}} {{sha256Hex (printf \"%064d\" 0)}}")
case("indent", "{{indent 4 .multi}}|{{indent 0 .s}}|{{indent 2 \"\"}}|{{indent 2 \"\\n\\na\\n\"}}")
case("indent_negative", "{{indent -1 .s}}")
case("indent_float", "{{indent .i .s}}")
case("indent_float_const", "{{indent 2.0 .s}}")
case("indent_int64", "{{indent (add 1 1) .s}}")
case("typed_string_arg_number", "{{toUpper 3}}")
case("typed_string_arg_missing", "{{toUpper .nope}}")
case("typed_string_arg_nil", "{{toUpper nil}}")
case("typed_string_from_json", "{{toUpper (index .strs 0)}} {{range .strs}}{{toUpper .}}{{end}}")
case("typed_pipe_final", "{{.i | toUpper}}")
# Go names the node it evaluated last (its state.at) in some errors: a constant inside a
# parenthesised argument, the receiver's last argument in a chain, the piped value's command.
case("err_node_pipe_final_arg", "{{.i | indent 2}}")
case("err_node_chain_index", "{{(index .list 5 1).x}}")
case("err_node_chain_fields", "{{(.m).c.d.x}}")
case("err_node_range_or", "{{range (or .zero .i)}}{{end}}")
case("err_node_range_add", "{{range (add 1 2)}}{{end}}")
case("err_node_typed_paren", "{{toUpper (index .list 0)}}")
case("err_node_typed_chain", "{{toUpper (.m).a}}")
case("err_node_typed_pipe_int", "{{indent (len .s | add 1) \"x\"}}")
case("err_node_pipe_printf", "{{.i | printf \"%d\" | indent 2}}")
case("err_node_chain_args", "{{(print 1 2).x 3}}")
case("err_node_typed_and", "{{toUpper (and 1 .f)}}")
case("err_node_typed_or", "{{toUpper (or 0 .f)}}")


# ---- more edges (added after the first runs) ----
case("trim_empty_action", "{{- -}}")
case("spaces_in_action", "{{  .s  }}{{ printf  \"%s\"   .s }}")
case("string_with_delims", "{{\"}}\"}}{{`{{`}}")
case("dollar_assign", "{{$ = 1}}{{$}}")
case("range_one_var_map", "{{range $v := .m}}{{$v}};{{end}}")
case("with_decl_var", "{{with $x := .m}}{{$x.a}}{{.b}}{{end}}")
case("if_not_and", "{{if and .s (not .fls)}}yes{{end}}{{if not .nope}}none{{end}}")
case("len_of_index", "{{len (index .list 5)}} {{len (index .list 6)}}")
case("eq_int64_int", "{{eq (add 1 2) 3}} {{lt (add 1 2) 4}} {{eq (add 1.0 2) 3.0}}")
case("comment_trim_variants", "a {{- /* x */}} b {{/* y */ -}} c")
case("raw_string_unicode", "{{`\u65e5\\n\u00e9`}}")
case("deep_if_nesting", "{{if .t}}" * 100 + "deep" + "{{end}}" * 100)
case("html_non_string", "{{html .n}} {{html .list}} {{js .m}} {{urlquery .nul}}")
# html/js/urlquery print a nil argument as "<no value>" (a string, for fmt's spacing).
case("escapers_nil_args", "{{html .nope 1 2}}|{{js nil}}|{{urlquery 1 .nul 2}}|{{html .nul}}")
case("print_float_consts", "{{print 1.0 1e6 1e21 0.000001 -0.0 123456789.0}}")
case("neg_zero_consts", "{{-0.0}} {{-0}} {{printf \"%v %v\" -0.0 -0}}")
case("const_underscore_forms", "{{0x_1F}} {{1_0.5}} {{.1e3}} {{0b_1}} {{1_000_000}}")
case("const_char_escapes", "{{'\\''}} {{'\\x41'}} {{'\\u00e9'}} {{'\\U0001F600'}} {{'\\\\'}}")
case("const_int_extremes", "{{9223372036854775807}} {{-9223372036854775808}}")
case("const_int_too_big", "{{-9223372036854775809}}")
case("printf_float_const_d", "{{printf \"%d %v %T\" 1e3 1e3 'a'}}")
case("printf_width_map", "{{printf \"%6v|%-3v\" .m .emptymap}}")
case("range_else_var", "{{range $i, $e := .emptylist}}{{$i}}{{else}}{{$.s}}{{end}}")
case("template_in_range", "{{define \"row\"}}<{{.}}>{{end}}{{range .strs}}{{template \"row\" .}}{{end}}")
case("block_in_define", "{{define \"outer\"}}[{{block \"inner\" .}}{{.}}{{end}}]{{end}}{{template \"outer\" .s}}{{template \"inner\" 1}}")
case("index_chained_var", "{{$l := .list}}{{index $l 6 \"k\"}} {{(index $l 5).x}}")
case("var_shadow_range", "{{$x := \"outer\"}}{{range .strs}}{{$x := .}}{{end}}{{$x}}")
case("assign_in_range", "{{$n := 0}}{{range .strs}}{{$n = .}}{{end}}{{$n}}")
case("pipe_into_if", "{{if .strs | len | eq 3}}three{{end}}")
case("parens_nested", "{{print (print (print (len .s)))}}")
case("missing_in_pipeline_print", "{{.nope | print}} {{.nope | printf \"%v\"}}")
case("null_in_list_printf", "{{printf \"%v|%d|%s|%x\" .list .list .list .list}}")
case("printf_sharp_q_backquote", "{{printf \"%#q|%#q|%#q\" \"a`b\" \"tab\\tx\" \"\u00e9\"}}")
case("printf_plus_q_unicode", "{{printf \"%+q|%q|%x\" \"\u2603\\u00ad\" \"\\u00ad\\u200b\" \"\u2603\"}}")
case("js_unicode_nonprint", "{{js \"\\u00ad\\u2028x\\u0000\"}}")
case("eq_bool_nil", "{{eq .t true false}} {{eq .nul nil}} {{ne .nope nil}}")
case("and_or_return_values", "{{and .s .list}} {{or .emptylist .m}} {{and .nope 1}} {{or .zero .empty}}")
case("not_pipe", "{{.t | not}} {{.nope | not}}")
case("define_uses_funcs", "{{define \"j\"}}{{toJSON .}}{{end}}{{template \"j\" .m.c}}")
case("regex_greedy_lazy", "{{regexReplaceAll \"a.*?b\" \"X\" \"aXbaYYb\"}} {{regexReplaceAll \"(a)|(b)\" \"[$1$2]\" \"abc\"}}")
case("split_join_unicode", "{{join \"\u00b7\" (split \"\u2603\" \"a\u2603b\u2603\")}}")
case("indent_multi_blank", "{{indent 3 \"a\\n\\n  b\\n\"}}")
case("tojson_nested_pretty", "{{toJSONPretty .list}}")
case("totitle_unicode_sep", "{{toTitle \"\u00e9t\u00e9 \u00e0-la carte\u3000x\"}}")
case("contains_list_types", "{{contains 1 .mixed}} {{contains 1.0 .mixed}} {{contains \"x\" .mixed}} {{contains .nul .nums}}")

# ---- VOLTHA-style templates ----
VOLTHA = '''{
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
            "access_log": [ { "path": "/envoy/voltha_access_log.log" } ],
            "route_config": {
              "virtual_hosts": [
                {
                  "name": "backend",
                  "domains": ["*"],
                  "routes": [
                    {
                      "timeout_ms": 0,
                      "prefix": "/voltha.VolthaGlobalService/",
                      "cluster": "vcore"
                    }
                  ]
                }
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
          {{printf "{\\"url\\": \\"tcp://%s\\"}" .}}{{end}}{{end}}
        ]
      },
      {
        "name": "vip",
        "hosts": [ {"url": "tcp://{{- .VolthaVip }}"} ]
      }
    ]
  }
}
'''
case("voltha_v1", VOLTHA)
case("voltha_v1_empty", VOLTHA, dict(DATA, VolthaRR=[]))
case("voltha_v3_eds", '''resources:
- "@type": type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment
  cluster_name: vcore
  endpoints:
  - lb_endpoints:
{{- range $slot, $core := .assign}}{{with $core}}
    - endpoint:
        address:
          socket_address: { address: {{.host}}, port_value: {{$.GrpcPort}} }
      metadata: { slot: "{{$slot}}", id: {{printf "%q" .id}} }
{{- end}}{{end}}
''')


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    with open(os.path.join(OUT, "_data.json"), "w", encoding="utf-8") as f:
        json.dump(DATA, f, indent=1, ensure_ascii=False)
    for name, (tmpl, data) in sorted(CASES.items()):
        with open(os.path.join(OUT, name + ".tmpl"), "w", encoding="utf-8", newline="") as f:
            f.write(tmpl)
        if data is not None or (name.endswith("_root") and data is None and "null" in name):
            with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=True)
    for name, raw in RAW_DATA.items():
        with open(os.path.join(OUT, name + ".json"), "wb") as f:
            f.write(raw)
    # The same cases seed the fuzz target: TEMPLATE [\n--data--\nJSON].
    fuzz = os.path.join(HERE, "..", "..", "fuzz", "tmpl", "corpus", "tmpl_exec")
    os.makedirs(fuzz, exist_ok=True)
    for f in os.listdir(fuzz):
        os.remove(os.path.join(fuzz, f))
    for name in sorted(CASES):
        with open(os.path.join(OUT, name + ".tmpl"), "rb") as f:
            seed = f.read()
        data = os.path.join(OUT, name + ".json")
        if os.path.exists(data):
            with open(data, "rb") as f:
                seed += b"\n--data--\n" + f.read()
        with open(os.path.join(fuzz, name), "wb") as f:
            f.write(seed)
    print(len(CASES), "cases")


if __name__ == "__main__":
    main()
