#!/usr/bin/env bash
# Build the Leaderled image on a machine that reaches no container registry.
#
# The Containerfile's default base (the official slim Python image) cannot be
# pulled here, so this makes one: a Debian bookworm minimal root
# (debootstrap --variant=minbase, with Debian's python3), imported with
# `podman import`. The root is cached between runs; delete the cache
# directory to make it again.
# `podman build --isolation=chroot` needs no container runtime, which these
# machines cannot start. pip inside the build reaches the same package index
# as pip here: the index URLs from `pip config list` go in as build
# arguments, the certificate bundle as a build secret (never in a layer).
#
# Settings (environment):
#   LEADERLED_CONTAINER_IMAGE   tag to build        (localhost/leaderled:latest)
#   LEADERLED_CONTAINER_BASE    base image to use   (the imported debootstrap root;
#                               set it, e.g. docker.io/library/python:3.11-slim,
#                               where a registry is reachable: no debootstrap then)
#   LEADERLED_CONTAINER_CACHE   where the root is kept (~/.cache/leaderled-container)
#   LEADERLED_CONTAINER_MIRROR  debootstrap's mirror (http://deb.debian.org/debian)
set -euo pipefail

cd "$(dirname "$0")/.."
IMAGE=${LEADERLED_CONTAINER_IMAGE:-localhost/leaderled:latest}
BASE_IMAGE=localhost/leaderled-base:bookworm
CACHE=${LEADERLED_CONTAINER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/leaderled-container}
MIRROR=${LEADERLED_CONTAINER_MIRROR:-http://deb.debian.org/debian}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

say() { printf '%s container-build: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

need_tools() {
    local missing=()
    command -v podman >/dev/null || missing+=(podman)
    if [ -z "${LEADERLED_CONTAINER_BASE:-}" ]; then
        command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]} (Debian packages)"
        $SUDO apt-get update -q
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
    fi
}

make_base() {
    local root="$CACHE/bookworm-minbase"
    if [ ! -e "$root/.complete" ]; then
        say "debootstrap bookworm minbase into $root (once; cached)"
        $SUDO rm -rf "$root.partial"
        mkdir -p "$CACHE"
        $SUDO "$(command -v debootstrap || echo /usr/sbin/debootstrap)" --variant=minbase \
            --include=python3,python3-venv,ca-certificates bookworm "$root.partial" "$MIRROR"
        # No package lists or downloaded .debs in the image.
        $SUDO rm -rf "$root.partial"/var/cache/apt/archives/*.deb "$root.partial"/var/lib/apt/lists/*
        $SUDO mv "$root.partial" "$root"
        $SUDO touch "$root/.complete"
        podman image rm -f "$BASE_IMAGE" >/dev/null 2>&1 || true
    fi
    if ! podman image exists "$BASE_IMAGE"; then
        say "podman import $root as $BASE_IMAGE"
        $SUDO tar --exclude=./.complete -C "$root" -c . \
            | podman import --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
    fi
}

# What pip here is configured with (`pip config list`, environment included):
# only http(s) indexes are reachable from inside a build; file:// ones are not.
pip_setting() {
    python3 -m pip config list 2>/dev/null | python3 -c '
import shlex, sys
wanted = sys.argv[1]
found = ""
for line in sys.stdin:
    key, _, value = line.rstrip("\n").partition("=")
    if key.rsplit(".", 1)[-1] == wanted:
        value = " ".join(shlex.split(value))
        if key.startswith(":env:") or not found:  # the environment wins, as in pip
            found = value
urls = found.split()
if wanted.endswith("url"):
    urls = [u for u in urls if u.startswith(("http://", "https://"))]
print(" ".join(urls))
' "$1"
}

need_tools
BASE=${LEADERLED_CONTAINER_BASE:-}
if [ -z "$BASE" ]; then
    make_base
    BASE=$BASE_IMAGE
fi

args=(--build-arg "BASE=$BASE")
index=$(pip_setting index-url)
extra=$(pip_setting extra-index-url)
trusted=$(pip_setting trusted-host)
cert=$(pip_setting cert)
[ -z "$index" ] || args+=(--build-arg "PIP_INDEX_URL=$index")
[ -z "$extra" ] || args+=(--build-arg "PIP_EXTRA_INDEX_URL=$extra")
[ -z "$trusted" ] || args+=(--build-arg "PIP_TRUSTED_HOST=$trusted")
if [ -n "$cert" ] && [ -f "$cert" ]; then
    args+=(--secret "id=pip-cert,src=$cert")
fi

say "podman build $IMAGE from $BASE (index: ${index:-the default}${extra:+, extra: $extra}${cert:+, certificates: $cert})"
start=$(date +%s)
podman build --isolation=chroot --format=oci "${args[@]}" --tag "$IMAGE" --file Containerfile .
say "built $IMAGE in $(($(date +%s) - start)) s"
