#!/usr/bin/python3
"""Prints the datapoints of whisper files as "timestamp value" lines (value as Python repr),
sorted by time, from the finest archive. Reads only the allocated extents (SEEK_DATA), so the
sparse 1s:10y files carbon writes in tests and the demo cost what they hold, not their size.
A slot counts only if its timestamp maps back to it (as whisper's fetch decides).
Usage: whisper_points.py [--last] FILE.wsp"""
import os
import struct
import sys


def points(path):
    with open(path, "rb") as f:
        fd = f.fileno()
        _, _, _, count = struct.unpack(">LLfL", f.read(16))
        if count < 1:
            return []
        offset, step, slots = struct.unpack(">LLL", f.read(12))
        end = offset + slots * 12
        f.seek(offset)
        base = struct.unpack(">L", f.read(4))[0]
        out = []
        pos = offset
        while pos < end:
            try:
                data = os.lseek(fd, pos, os.SEEK_DATA)
            except OSError:  # ENXIO: only holes left
                break
            if data >= end:
                break
            hole = min(os.lseek(fd, data, os.SEEK_HOLE), end)
            start = offset + (data - offset) // 12 * 12
            stop = min(end, offset + (hole - offset + 11) // 12 * 12)
            os.lseek(fd, start, os.SEEK_SET)
            chunk = os.read(fd, stop - start)
            for i in range(0, len(chunk) - 11, 12):
                ts, v = struct.unpack(">Ld", chunk[i:i + 12])
                if not ts or ts % step or not base:
                    continue
                slot = (start - offset + i) // 12
                if ((ts - base) // step) % slots != slot:
                    continue
                out.append((ts, v))
            pos = stop
        out.sort()
        return out


def main():
    args = sys.argv[1:]
    last = args and args[0] == "--last"
    if last:
        args = args[1:]
    if len(args) != 1:
        sys.exit(__doc__)
    pts = points(args[0])
    if last:
        pts = pts[-1:]
    if not pts:
        sys.exit(1)
    for ts, v in pts:
        print(ts, repr(v))


main()
