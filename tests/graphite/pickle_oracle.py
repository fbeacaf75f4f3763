#!/usr/bin/python3
"""Decodes a file of carbon pickle frames (4-byte big-endian length + pickle) with Python's
pickle.loads and with carbon's own SafeUnpickler, checks that both agree, and prints one line
per point: path as UTF-8 hex, then timestamp and value each as "<int|float>:<exact repr>".
Used by tests/graphite/encoder_test.cc as an oracle; exits non-zero on any disagreement."""
import pickle
import struct
import sys

from carbon.util import SafeUnpickler


def fmt(x):
    if type(x) is int:
        return "int:%d" % x
    if type(x) is float:
        return "float:" + struct.pack(">d", x).hex()
    raise SystemExit("unexpected type %r" % type(x))


def main():
    data = open(sys.argv[1], "rb").read()
    out = []
    off = 0
    frames = 0
    while off < len(data):
        (n,) = struct.unpack(">I", data[off:off + 4])
        body = data[off + 4:off + 4 + n]
        if len(body) != n:
            raise SystemExit("truncated frame at %d" % off)
        off += 4 + n
        a = pickle.loads(body)
        b = SafeUnpickler.loads(body)
        if a != b or type(a) is not list:
            raise SystemExit("pickle.loads and SafeUnpickler disagree")
        for path, (ts, value) in a:
            if type(path) is not str:
                raise SystemExit("path is not str")
            out.append("%s %s %s" % (path.encode("utf-8").hex(), fmt(ts), fmt(value)))
        frames += 1
    sys.stdout.write("frames %d\n" % frames)
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))


main()
