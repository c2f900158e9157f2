#!/usr/bin/env bash
# Provisions and runs a real Asterisk 22 for Loket's phone channel: Debian sid packages in a cached
# chroot, started and stopped by PID inside a private mount namespace, every socket on loopback.
#
#   ops/asterisk/asterisk.sh provision          host packages, the chroot and the loopback shim (cached)
#   ops/asterisk/asterisk.sh configure DIR [...] DIR/etc from Loket's configuration (./loket asterisk-config)
#   ops/asterisk/asterisk.sh start DIR          prompts from DIR/etc/loket-prompts.tsv, then Asterisk; prints its PID
#   ops/asterisk/asterisk.sh stop DIR           SIGTERM to the PID in DIR/run/asterisk.pid, then waits
#   ops/asterisk/asterisk.sh cli DIR 'core show channels'
#
# DIR is an instance folder: etc/ (asterisk.conf and the rest), run/, log/, spool/, db/, sounds/.
# Inside the chroot it is bind-mounted at /loket, in a mount namespace of its own, so the cached
# chroot stays pristine, nothing stays mounted after a crash and several instances can share it.
# Settings (environment): LOKET_CACHE (default ~/.cache/loket), DEBIAN_MIRROR (default: the host's
# own apt source).
set -euo pipefail

SCRIPT_VERSION=3   # bump when the chroot's contents change: a new cache folder is built
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${LOKET_CACHE:-${HOME:-/root}/.cache/loket}"
ROOT="$CACHE/asterisk-sid-v$SCRIPT_VERSION"
PROMPT_CACHE="$CACHE/prompts"
SHIM=/opt/loket/loopback.so

log() { printf 'asterisk.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "needs root (debootstrap, unshare and chroot)"; }

host_packages() {
    local missing=()
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v sipp >/dev/null || missing+=(sip-tester)
    command -v espeak-ng >/dev/null || missing+=(espeak-ng)
    command -v sox >/dev/null || missing+=(sox)
    command -v gcc >/dev/null || missing+=(gcc libc6-dev)
    command -v unshare >/dev/null || missing+=(util-linux)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing host packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

mirror() {
    if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
    local m=""
    if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
        m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' /etc/apt/sources.list.d/*.sources)
    fi
    if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
        m=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
    fi
    [ -n "$m" ] || die "no Debian mirror in the host's apt sources; set DEBIAN_MIRROR"
    echo "$m"
}

build_chroot() {
    [ -x "$ROOT/usr/sbin/asterisk" ] && return
    local partial="$ROOT.partial" started=$SECONDS
    # A partial chroot may hold nothing mounted (mounts live in a private namespace): safe to remove.
    rm -rf --one-file-system "$partial"
    mkdir -p "$CACHE"
    log "debootstrap sid into $partial (one time; about a minute)"
    unshare --mount --propagation private debootstrap --variant=minbase sid "$partial" "$(mirror)" >"$CACHE/debootstrap.log" 2>&1 \
        || die "debootstrap failed; see $CACHE/debootstrap.log"
    printf 'Acquire::Check-Valid-Until "false";\n' >"$partial/etc/apt/apt.conf.d/99loket"
    printf '#!/bin/sh\nexit 101\n' >"$partial/usr/sbin/policy-rc.d" && chmod +x "$partial/usr/sbin/policy-rc.d"
    printf '127.0.0.1 localhost\n::1 localhost\n' >"$partial/etc/hosts"
    cp /etc/resolv.conf "$partial/etc/resolv.conf" 2>/dev/null || true
    log "installing asterisk into the chroot"
    unshare --mount --propagation private bash -c '
        set -e
        mount -t proc proc "$1/proc"
        mount --rbind /dev "$1/dev"
        chroot "$1" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            asterisk asterisk-core-sounds-en-gsm asterisk-moh-opsound-gsm && apt-get clean"
    ' _ "$partial" >"$CACHE/chroot-install.log" 2>&1 || die "asterisk install failed; see $CACHE/chroot-install.log"
    mkdir -p "$partial/loket" "$partial/run/asterisk" "$partial/opt/loket"
    mv "$partial" "$ROOT"
    log "chroot ready in $((SECONDS - started)) s: $ROOT"
}

build_shim() {
    local target="$ROOT$SHIM" src="$HERE/loopback-shim.c"
    if [ -f "$target" ] && [ "$target" -nt "$src" ]; then return; fi
    # Write a new file and rename it: overwriting a loaded library in place crashes Asterisk.
    gcc -shared -fPIC -O2 -o "$target.new" "$src" -ldl
    mv -f "$target.new" "$target"
}

provision() {
    need_root
    host_packages
    mkdir -p "$CACHE"
    exec 9>"$CACHE/provision.lock"
    flock 9
    build_chroot
    build_shim
    exec 9>&-
}

# espeak-ng voices per language code of Loket's configuration.
voice() { case "$1" in en) echo en-gb ;; *) echo "$1" ;; esac; }

prompts() {
    local dir="$1" tsv="$1/etc/loket-prompts.tsv"
    [ -f "$tsv" ] || die "$tsv missing: run 'loket asterisk-config --out $dir/etc' first"
    mkdir -p "$PROMPT_CACHE"
    local lang name text key wav
    while IFS=$'\t' read -r lang name text; do
        [ -n "$lang" ] && [ "${lang:0:1}" != "#" ] || continue
        key=$(printf '%s\t%s' "$(voice "$lang")" "$text" | sha256sum | cut -c1-32)
        wav="$PROMPT_CACHE/$key.wav"
        if [ ! -s "$wav" ]; then
            espeak-ng -v "$(voice "$lang")" -s 165 --stdout "$text" \
                | sox -q -t wav - -r 8000 -c 1 -b 16 -e signed-integer "$wav.tmp.wav"
            mv -f "$wav.tmp.wav" "$wav"
        fi
        mkdir -p "$dir/sounds/$lang"
        cp -f "$wav" "$dir/sounds/$lang/$name.wav"
    done <"$tsv"
}

in_namespace() {
    # $1 instance dir; the rest: command to run inside the chroot
    local dir="$1"; shift
    exec unshare --mount --propagation private bash -c '
        set -e
        root="$1"; dir="$2"; shift 2
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mount --bind "$dir" "$root/loket"
        exec chroot "$root" "$@"
    ' _ "$ROOT" "$dir" "$@"
}

pidfile() { echo "$1/run/asterisk.pid"; }

running() {
    local pid
    pid=$(cat "$(pidfile "$1")" 2>/dev/null) || return 1
    kill -0 "$pid" 2>/dev/null
}

start() {
    local dir
    dir="$(cd "$1" && pwd)"
    [ -f "$dir/etc/asterisk.conf" ] || die "$dir/etc/asterisk.conf missing: run 'loket asterisk-config --out $dir/etc' first"
    provision
    running "$dir" && die "already running: PID $(cat "$(pidfile "$dir")")"
    prompts "$dir"
    mkdir -p "$dir/run" "$dir/log" "$dir/spool" "$dir/db" "$dir/sounds"
    rm -f "$dir/run/asterisk.ctl"
    # The subshell's own descriptors go to the log too: a caller reading this script's output
    # must not wait for Asterisk to exit.
    ( in_namespace "$dir" env LD_PRELOAD="$SHIM" /usr/sbin/asterisk -f -C /loket/etc/asterisk.conf ) \
        </dev/null >>"$dir/log/console.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$(pidfile "$dir")"
    local deadline=$((SECONDS + 30))
    until [ -S "$dir/run/asterisk.ctl" ] && cli "$dir" 'core waitfullybooted' >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || die "asterisk exited at start; see $dir/log/console.log and $dir/log/messages"
        [ $SECONDS -lt $deadline ] || die "asterisk not fully booted within 30 s"
        sleep 0.2
    done
    echo "$pid"
}

stop() {
    local dir="$1" pid
    pid=$(cat "$(pidfile "$dir")" 2>/dev/null) || { log "not running (no PID file)"; return 0; }
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$(pidfile "$dir")"
}

cli() {
    local dir
    dir="$(cd "$1" && pwd)"; shift
    ( in_namespace "$dir" /usr/sbin/asterisk -C /loket/etc/asterisk.conf -rx "$*" )
}

configure() {
    local dir="$1"; shift
    mkdir -p "$dir"
    "$HERE/../../loket" asterisk-config --out "$dir/etc" "$@"
}

cmd="${1:-}"; shift || true
case "$cmd" in
    provision) provision ;;
    configure) [ $# -ge 1 ] || die "usage: configure DIR [asterisk-config options]"; configure "$@" ;;
    start) [ $# -eq 1 ] || die "usage: start DIR"; start "$1" ;;
    stop) [ $# -eq 1 ] || die "usage: stop DIR"; stop "$1" ;;
    cli) [ $# -ge 2 ] || die "usage: cli DIR COMMAND"; cli "$@" ;;
    prompts) [ $# -eq 1 ] || die "usage: prompts DIR"; prompts "$1" ;;
    root) echo "$ROOT" ;;
    *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
