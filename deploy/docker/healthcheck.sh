#!/bin/sh
# HEALTHCHECK helper: exit 0 when URL answers 2xx within 2 s, else 1 (Docker's convention).
curl --fail --silent --show-error --max-time 2 --output /dev/null "${1:?usage: vs-healthcheck URL}" || exit 1
