#!/usr/bin/env bash
# Builds the Debian packages from a built tree and installs them into a throwaway root:
#   package_test.sh SOURCE_DIR BUILD_DIR
# 1. builds the daemons and their man pages (a no-op when up to date), 2. `cpack -G DEB` into a
# temp dir, 3. `dpkg-deb -x` each package into one temp root, 4. runs each binary's --version
# from there (the libraries come from this host, as they would from Depends), checks the unit,
# env example, templates, man page and doc are where the units say, and the control data
# (Depends from dpkg-shlibdeps, conffiles). Everything is removed afterwards.
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL $*"; fail=1; }

cmake --build "$build" --target shovel envoyd kpi-publish vs_man_pages -- -j2 >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; bad "build"; exit 1; }
(cd "$build" && cpack -G DEB -B "$work/pkgs" >"$work/cpack.log" 2>&1) \
  || { cat "$work/cpack.log"; bad "cpack"; exit 1; }
mkdir -p "$work/root"
version=$(sed -n 's/^project(voltha-sidecars VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
for d in shovel envoyd kpi-publish; do
  debs=("$work/pkgs/voltha-sidecars-${d}_"*.deb)
  deb=${debs[0]}
  if [ ! -f "$deb" ]; then bad "no package for $d in $(ls "$work/pkgs")"; continue; fi
  dpkg-deb -x "$deb" "$work/root"
  dpkg-deb -f "$deb" Package Version Depends > "$work/$d.control"
  grep -q "^Package: voltha-sidecars-$d$" "$work/$d.control" || bad "$d: package name"
  grep -q "^Version: $version$" "$work/$d.control" || bad "$d: version is not $version"
  # dpkg-shlibdeps must have found the libraries the daemon links.
  case $d in envoyd) lib=libre2-9 ;; *) lib=librdkafka1 ;; esac
  grep -q "^Depends:.*$lib" "$work/$d.control" || bad "$d: Depends lacks $lib: $(cat "$work/$d.control")"
  dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles > "$work/$d.conffiles" 2>/dev/null \
    || bad "$d: no conffiles"
  grep -qx "/etc/voltha-sidecars/$d.env" "$work/$d.conffiles" || bad "$d: env file is not a conffile"
  for f in "usr/bin/$d" "usr/lib/systemd/system/$d.service" "etc/voltha-sidecars/$d.env" \
           "usr/share/man/man8/$d.8" "usr/share/doc/voltha-sidecars-$d/DEPLOYMENT.md"; do
    [ -e "$work/root/$f" ] || bad "$d: /$f is not in the package"
  done
  out=$("$work/root/usr/bin/$d" --version 2>&1) || bad "$d --version exited $?"
  [ "$out" = "$d $version" ] || bad "$d --version printed '$out', expected '$d $version'"
  echo "$d: $(basename "$deb"): $out"
  # Every absolute path the unit names (binary, templates) must be in the package.
  for p in $(grep -v '^#' "$work/root/usr/lib/systemd/system/$d.service" \
             | grep -o '/usr/[A-Za-z0-9_./-]*' | grep -v '^/usr/share/doc' | sort -u); do
    [ -e "$work/root$p" ] || bad "$d.service names $p, which the package does not hold"
  done
  grep -q '^\.TH '"$d"' 8' "$work/root/usr/share/man/man8/$d.8" || bad "$d.8: no .TH header"
  if command -v man >/dev/null; then
    MANWIDTH=100 man -l "$work/root/usr/share/man/man8/$d.8" 2>/dev/null | grep -q -- '-version' \
      || bad "$d.8 does not render the --help text"
  fi
done
for t in voltha-grpc-proxy.template.json voltha-grpc-proxy-eds.template.json; do
  [ -f "$work/root/usr/share/voltha-sidecars/envoy/$t" ] || bad "envoyd: template $t missing"
done
# The packaged envoyd renders the packaged template with the sample assignment.
data="$work/data.json"
cat > "$data" <<'JSON'
{"VolthaVip": "10.0.0.1:50556", "VipHost": "10.0.0.1", "VipPort": 50556,
 "VolthaRR": ["172.29.19.4:50556"], "GrpcPort": "50555", "HttpPort": "8882", "HttpsPort": "8443",
 "Cores": [{"Slot": "0001", "Id": "vcore1", "Host": "172.29.19.4", "Port": 50556}],
 "EdsPath": "/var/lib/envoyd/eds.json"}
JSON
"$work/root/usr/bin/envoyd" render "$work/root/usr/share/voltha-sidecars/envoy/voltha-grpc-proxy.template.json" \
  "$data" > "$work/rendered.json" 2>"$work/render.err" || bad "packaged envoyd cannot render the packaged template: $(cat "$work/render.err")"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert "172.29.19.4" in json.dumps(c)' \
  "$work/rendered.json" || bad "rendered config is not JSON holding the core address"
# Nothing outside the expected trees (no test tools such as kafka-mock).
extra=$(cd "$work/root" && find . -type f | grep -v -E '^\./(usr/bin/(shovel|envoyd|kpi-publish)|usr/lib/systemd/system/|etc/voltha-sidecars/|usr/share/(man|doc|voltha-sidecars)/)' || true)
[ -z "$extra" ] || bad "unexpected files in the packages: $extra"
if [ "$fail" -ne 0 ]; then exit 1; fi
names=""
for f in "$work/pkgs"/*.deb; do names+="$(basename "$f") "; done
echo "packages ok: $names"
