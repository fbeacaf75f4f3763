#!/usr/bin/python3
"""Routes paths with carbon's own ConsistentHashRing (carbon_ch), as a carbon-relay with
RELAY_METHOD = consistent-hashing does. argv[1]: file whose first line is the destinations
("host:port[:instance]" separated by spaces, parsed by carbon.util.parseDestination), then one
path per line. Prints the index of the chosen destination per path."""
import sys

from carbon.hashing import ConsistentHashRing
from carbon.util import parseDestination


def main():
    lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
    dests = [parseDestination(d) for d in lines[0].split()]
    keys = [(server, instance) for (server, _, instance) in dests]
    ring = ConsistentHashRing(keys)
    out = []
    for path in lines[1:]:
        if path:
            out.append(str(keys.index(ring.get_node(path))))
    sys.stdout.write("\n".join(out) + "\n")


main()
