#!/usr/bin/env python3
"""Writes the seed corpus of the message parser fuzz target (corpus/message_parser/): every
input shape and the hostile cases of the shovel issue. Re-run after changing it; the files are
committed so that ctest replays them without Python."""
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "message_parser")

def slice1(ts, data):
    return json.dumps({"type": "slice", "ts": ts, "data": data}).encode()

CASES = {
    # The shapes.
    "shape1_seed.json": slice1(1481234567, {"voltha.internal.vcore1": {"deferreds": 3, "rss-mb": 120.5}}),
    "shape2_kpievent.json": json.dumps({"type": "slice", "ts": 1484726400.0, "prefixes": {
        "voltha.olt.0001.pon": {"metrics": {"rx_packets": 10, "tx_packets": 20.5}},
        "voltha.onu.0002": {"metrics": {"temp": -3}}}}).encode(),
    "shape3_kpievent2.json": json.dumps({"type": "slice", "ts": 1534440704.0, "slice_data": [
        {"metadata": {"title": "Ethernet", "ts": 1534440704.0, "logical_device_id": "000000139521a269",
                      "device_id": "000115929ed71696", "serial_no": "dummy_sn2209199",
                      "context": {"port_no": "1", "intf": "pon0"}},
         "metrics": {"tx_packets": 16.0, "rx_packets": 3}},
        {"metadata": {"title": "PON", "device_id": "", "logical_device_id": "L1"}, "metrics": {"m": 1}},
        {"metadata": {"title": "X", "ts": 0}, "metrics": {"m": "1"}}]}).encode(),
    "shape4_plaintext.txt": b"voltha.a.b 1.5 1700000000\nc.d 2 1700000001\r\nbad line\n\n e 3 4 5\nf nan 1\ng 1 -1\n",
    "all_shapes_one_message.json": json.dumps({"type": "slice", "ts": 1, "data": {"a": {"m": 1}},
        "prefixes": {"b": {"metrics": {"m": 2}}},
        "slice_data": [{"metadata": {"title": "T", "context": {"b": "2", "a": "1"}}, "metrics": {"m": 3}}]}).encode(),
    # Hostile values and timestamps.
    "nan_literal.json": b'{"type":"slice","ts":1,"data":{"a":{"m":NaN}}}',
    "infinity_literal.json": b'{"type":"slice","ts":1,"data":{"a":{"m":Infinity,"n":-Infinity}}}',
    "huge_numbers.json": b'{"type":"slice","ts":1,"data":{"a":{"x":1e400,"y":18446744073709551616,'
                         b'"z":-9223372036854775809,"w":1e300,"v":1e-400,"u":123456789012345678901234567890}}}',
    "huge_ts.json": b'{"type":"slice","ts":1e400,"data":{"a":{"m":1}}}',
    "bigint_ts.json": b'{"type":"slice","ts":100000000000000000000000,"data":{"a":{"m":1}}}',
    "strings_as_values.json": slice1(1, {"a": {"s": "42", "b": True, "n": None, "l": [1], "o": {"v": 1}}}),
    "bad_ts.json": b'{"type":"slice","ts":"1700000000","data":{"a":{"m":1}}}',
    "number_then_garbage.json": b'{"type":"slice","ts":1,"data":{"a":{"m":1e400x}}}',
    "bad_number_grammar.json": b'{"type":"slice","ts":1,"data":{"a":{"m":01,"n":1.,"o":-}}}',
    # Hostile names.
    "names_spaces_newlines.json": slice1(1, {"olt 1..port/2": {"rx bytes": 1, "new\nline": 2, "..": 3, "/": 4,
                                             "caf\u00e9": 5, "": 6}}),
    "name_raw_utf8.json": '{"type":"slice","ts":1,"data":{"café":{"m":1}}}'.encode(),
    "name_too_long.json": slice1(1, {"p" * 1020: {"abc": 1, "abcd": 2}}),
    "duplicate_keys.json": b'{"type":"x","type":"slice","ts":1,"ts":2,"data":{"a":{"m":1,"m":2}},"data":{"b":{"m":3}}}',
    # Whole-message rejects.
    "invalid_utf8.json": b'{"type":"slice","ts":1,"data":{"a\xc3\x28":{"m":1}}}',
    "invalid_utf8_ignored_field.json": b'{"type":"slice","ts":1,"x":"\xff\xfe","data":{"a":{"m":1}}}',
    "overlong_utf8.json": b'{"type":"slice","x":"\xc0\xaf"}',
    "surrogate_utf8.json": b'{"type":"slice","x":"\xed\xa0\x80"}',
    "huge_and_invalid_utf8.json": b'{"type":"slice","ts":1,"x":"\xff","data":{"a":{"m":18446744073709551616}}}',
    "deep_arrays.json": b'{"type":"slice","ts":1,"x":' + b"[" * 5000 + b"]" * 5000 + b'}',
    "deep_objects.json": b'{"a":' * 3000 + b"1" + b"}" * 3000,
    "top_level_list.json": b'[{"type":"slice","ts":1,"data":{"a":{"m":1}}}]',
    "not_slice.json": b'{"type":"SLICE","ts":1,"data":{"a":{"m":1}}}',
    "truncated.json": b'{"type":"slice","ts":1,"data":{"a":{"m":1}',
    "trailing_garbage.json": b'{"type":"slice","ts":1,"data":{"a":{"m":1}}} x',
    "lone_bracket.json": b"[",
    "empty.txt": b"",
    "whitespace_then_json.json": b' \r\n\t{"type":"slice","ts":1,"data":{"a":{"m":1}}}',
    "bom_then_json.txt": b'\xef\xbb\xbf{"type":"slice","ts":1,"data":{"a":{"m":1}}}',
    "control_chars.json": b'{"type":"slice","ts":1,"data":{"a\\u0000b":{"\\t":1}},"c":"\x01"}',
    "wrong_shapes.json": json.dumps({"type": "slice", "ts": 1, "data": [1], "prefixes": {"a": 1, "b": {"metrics": 2}},
        "slice_data": [5, {"metadata": {"title": 7}, "metrics": {"m": 1}},
                       {"metadata": {"title": "T", "context": {"k": 1}}, "metrics": {"m": 1}}]}).encode(),
    # A large message (the unit tests cover 10 MB; the corpus stays small).
    "large_message.json": slice1(1700000000, {"voltha.olt.%d" % e: {"m%d" % m: e * 10 + m for m in range(10)}
                                             for e in range(200)}),
    # Where the one-pass fast path gives up and simdjson decides (both must agree).
    "fast_key_orders.json": b'{"data":{"a":{"m":1}},"type":"slice","ts":2}',
    "fast_ts_after_shape.json": b'{"type":"slice","data":{"a":{"m":1}},"ts":2}',
    "fast_metrics_before_metadata.json": b'{"type":"slice","ts":1,"slice_data":[{"metrics":{"m":1},"metadata":{"title":"T"}}]}',
    "fast_negative_zero.json": b'{"type":"slice","ts":1,"data":{"a":{"m":-0,"n":-0.0,"o":0e5,"p":-0E-0}}}',
    "fast_number_forms.json": b'{"type":"slice","ts":1.7e9,"data":{"a":{"m":123456789012345,"n":1234567890123456,"o":0.30000000000000004,"p":4.9e-324,"q":9007199254740993,"r":1e-400}}}',
    "fast_escapes_and_nulls.json": b'{"type":"slice","ts":1,"slice_data":[{"metadata":{"title":"T\\u00e9","device_id":null,"context":{"a":null,"b":"x"}},"metrics":{"m":1}}]}',
    "fast_spaces_everywhere.json": b' { "type" : "slice" , "ts" : 1 , "prefixes" : { "p" : { "x" : [ 1 , { } ] , "metrics" : { "m" : 1 } } } } ',
}

os.makedirs(OUT, exist_ok=True)
for name, data in CASES.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print("wrote %d files to %s" % (len(CASES), OUT))
