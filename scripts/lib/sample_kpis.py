#!/usr/bin/python3
"""Prints sample VOLTHA KPI messages, one per line, for the demo: `minutes` of history at
10-second steps ending now, in every shape shovel understands (seed, KpiEvent, KpiEvent2 and
Graphite plaintext). Values are smooth curves so the rendered graph shows something real."""
import json
import math
import sys
import time

minutes = int(sys.argv[1]) if len(sys.argv) > 1 else 30
now = int(time.time()) // 10 * 10
start = now - minutes * 60
for ts in range(start, now + 1, 10):
    t = (ts - start) / 60.0
    # 1. seed shape: the original diagnostics samples
    print(json.dumps({"type": "slice", "ts": ts, "data": {
        "voltha.internal.vcore1": {"rss-mb": round(120 + 8 * math.sin(t / 3), 2),
                                   "deferreds": int(20 + 15 * abs(math.sin(t)))}}}))
    # 2. KpiEvent shape
    print(json.dumps({"type": "slice", "ts": float(ts), "prefixes": {
        "voltha.olt.olt1.pon0": {"metrics": {"rx_bytes": round(5e5 + 2e5 * math.sin(t / 2), 1),
                                             "tx_bytes": round(4e5 + 1e5 * math.cos(t / 2), 1)}}}}))
    # 3. KpiEvent2 shape: per-port Ethernet counters of two ONUs
    for onu in (1, 2):
        print(json.dumps({"type": "slice", "ts": float(ts), "slice_data": [{
            "metadata": {"title": "Ethernet", "ts": float(ts),
                         "logical_device_id": "0001a82f1f5c6f21",
                         "device_id": "onu%d" % onu, "serial_no": "BRCM0000%04d" % onu,
                         "context": {"port_no": "1"}},
            "metrics": {"tx_packets": round(1000 * onu + 300 * math.sin(t + onu), 1),
                        "rx_packets": round(900 * onu + 250 * math.cos(t + onu), 1)}}]}))
    # 4. Graphite plaintext
    print("voltha.host.load1 %.3f %d" % (1 + 0.5 * math.sin(t / 5), ts))
