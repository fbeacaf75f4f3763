#!/usr/bin/python3
"""Routes paths with carbon's own ConsistentHashRing (carbon_ch), as a carbon-relay with
RELAY_METHOD = consistent-hashing does. argv[1]: a file whose first line is the number C of
destination lists, then C lines each holding one list ("host:port[:instance]" separated by
spaces, parsed by carbon.util.parseDestination), then one path per line. Prints C lines, each
the index of the chosen destination per path, separated by spaces. One process for every list:
importing carbon.util (twisted) costs about a second."""
import sys

from carbon.hashing import ConsistentHashRing
from carbon.util import parseDestination


def main():
    lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
    count = int(lines[0])
    paths = [p for p in lines[1 + count:] if p]
    for spec in lines[1:1 + count]:
        dests = [parseDestination(d) for d in spec.split()]
        keys = [(server, instance) for (server, _, instance) in dests]
        ring = ConsistentHashRing(keys)
        index = {k: i for i, k in enumerate(keys)}
        print(" ".join(str(index[ring.get_node(p)]) for p in paths))


main()
