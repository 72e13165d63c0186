# labs/lib/docker.sh: a private containerd + dockerd inside a lab network namespace.
#
# Several labs (and several engineers) run their own docker on this machine at
# the same time, so each lab's daemons get their own root, state, sockets, pid
# files and cgroup parent under one directory, run in the lab's network
# namespace (docker0 and its iptables rules stay there), and are stopped by
# PID. Teardown removes exactly what they created.
#
# Use it from lab blocks (bash, root):
#
#   ```sh setup
#   . "$LAB_DIR/../lib/docker.sh"
#   ip netns add lab-xx-docker
#   LAB_DOCKER_NS=lab-xx-docker
#   lab_docker_up                   # starts both, returns when `docker info` answers
#   lab_docker_import "$LAB_TMP/rootfs" lab-xx/busybox:1
#   ```
#   ... docker run --cgroup-parent is not needed: dockerd already has one ...
#   ```sh teardown
#   lab_docker_down                 # safe to call twice, or when up never ran
#   ip netns del lab-xx-docker
#   ```
#
# Variables it reads (set them before lab_docker_up):
#   LAB_DOCKER_NS       required: a network namespace name (/run/netns/NAME);
#                       both daemons run in it via `nsenter --net`, never
#                       `ip netns exec` (that remounts /sys and hides cgroups).
#   LAB_TMP, LAB_PREFIX set by the harness; used for the two defaults below.
#   LAB_DOCKER_DIR      state directory (default $LAB_TMP/docker; must be short:
#                       unix socket paths are limited to 107 bytes).
#   LAB_DOCKER_CGROUP   cgroup parent of every container (default /$LAB_PREFIX,
#                       e.g. /lab-nn; created in each v1 hierarchy, removed at
#                       down).
#   LAB_DOCKERD_ARGS    bash array of extra dockerd arguments, e.g.
#                       LAB_DOCKERD_ARGS=(--bip 10.1.74.1/24 --mtu 1450
#                                         --add-runtime runv=/path/to/runv)
#   LAB_DOCKERD_ENV     bash array of extra VAR=VALUE for dockerd's environment,
#                       e.g. (DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1) for swarm.
#   LAB_DOCKER_TIMEOUT  seconds to wait for each daemon to answer (default 20).
#
# Variables it sets (exported where a child needs them):
#   DOCKER_HOST           unix://$LAB_DOCKER_DIR/docker.sock (so plain `docker` works)
#   DOCKER_CONFIG         $LAB_DOCKER_DIR/cli (the CLI's config, not ~/.docker)
#   LAB_CONTAINERD_SOCK   containerd's grpc socket (for `ctr --address`)
#   LAB_CONTAINERD_STATE  containerd's state dir
#   LAB_DOCKER_BUNDLES    where containerd keeps each running container's OCI
#                         bundle, i.e. the config.json it hands to runc:
#                         $LAB_DOCKER_BUNDLES/<full container id>/config.json
#   LAB_CONTAINERD_PID, LAB_DOCKERD_PID (informational; down reads the pids
#                         from $LAB_DOCKER_DIR/*.lab-pid and signals a pid only
#                         if its command line still names $LAB_DOCKER_DIR)
#
# Functions: lab_docker_up, lab_docker_down, lab_docker_import DIR TAG,
#            lab_docker_bundle CONTAINER (prints the bundle dir of a container).
#
# The harness runs each block in a new bash and carries variables and
# functions over, so source this file once in a setup block. The daemons are
# started with setsid and outlive the block; they inherit LAB_RUN_ID, so the
# harness's leak check would find them if lab_docker_down never ran.
#
# lab_docker_down, in order: leaves swarm mode if active, removes every
# container, stops dockerd then containerd (SIGTERM, SIGKILL after 10 s),
# kills shims still serving our containerd socket and any process still in
# our cgroup parent, unmounts what is left under $LAB_DOCKER_DIR, removes our
# cgroup parent in every hierarchy, and removes $LAB_DOCKER_DIR.
# lab_docker_up first kills processes that a killed earlier run of the lab
# left in that cgroup parent (the harness's sweep cannot attribute them:
# container processes do not inherit LAB_RUN_ID).
#
# Logs: $LAB_DOCKER_DIR/containerd.log and dockerd.log; lab_docker_up prints
# their tails when a daemon fails to come up (they go with $LAB_DOCKER_DIR).
#
# Shared with other docker instances on the host, and kept apart: containerd
# 1.6 puts shim sockets in /run/containerd/s/ whatever its config says, and
# dockerd 20.10 creates /run/docker/plugins/. /etc/docker/key.json is not
# written (daemon.json moves the key into $LAB_DOCKER_DIR). lab_docker_up
# records which of these existed; lab_docker_down removes one only if this run
# made it, it is empty (rmdir, never rm -r) and no other dockerd, containerd or
# shim is running, so another lab's docker is untouched.

lab_docker_up() {
    : "${LAB_DOCKER_NS:?set LAB_DOCKER_NS to a network namespace name}"
    if [ ! -e "/run/netns/$LAB_DOCKER_NS" ]; then
        echo "lab_docker_up: no network namespace /run/netns/$LAB_DOCKER_NS" >&2
        return 1
    fi
    LAB_DOCKER_DIR=${LAB_DOCKER_DIR:-${LAB_TMP:?LAB_TMP or LAB_DOCKER_DIR must be set}/docker}
    LAB_DOCKER_CGROUP=${LAB_DOCKER_CGROUP:-/${LAB_PREFIX:?LAB_PREFIX or LAB_DOCKER_CGROUP must be set}}
    local dir=$LAB_DOCKER_DIR timeout=${LAB_DOCKER_TIMEOUT:-20}
    mkdir -p "$dir"/{containerd/root,containerd/state,containerd/opt,data,exec,cli}

    # Containers a killed run of this lab left in its cgroup parent (the
    # harness's sweep stops the daemons, which carry LAB_RUN_ID, but not
    # the containers, which do not).
    if [ -n "$(_lab_docker_cgroup_procs)" ]; then
        echo "lab_docker_up: killing processes left in cgroup $LAB_DOCKER_CGROUP by an earlier run" >&2
        _lab_docker_cgroup_kill
        _lab_docker_cgroup_paths "${LAB_DOCKER_CGROUP#/}" |
            while read -r path; do find "$path" -depth -type d -exec rmdir {} \; 2>/dev/null || true; done
    fi

    # What existed before us, so that down removes only what this run made.
    local path
    : >"$dir/preexisting"
    for path in /run/containerd /run/containerd/s /run/docker /run/docker/plugins \
            /etc/docker /etc/docker/key.json $(_lab_docker_cgroup_paths docker) \
            $(_lab_docker_cgroup_paths "${LAB_DOCKER_CGROUP#/}"); do
        if [ -e "$path" ]; then echo "$path" >>"$dir/preexisting"; fi
    done

    LAB_CONTAINERD_SOCK=$dir/containerd.sock
    LAB_CONTAINERD_STATE=$dir/containerd/state
    LAB_DOCKER_BUNDLES=$LAB_CONTAINERD_STATE/io.containerd.runtime.v2.task/moby
    export DOCKER_HOST=unix://$dir/docker.sock
    export DOCKER_CONFIG=$dir/cli

    # containerd: CRI off (dockerd does not use it and it would want a CNI
    # setup), every path under $dir. The opt plugin would otherwise create
    # /opt/containerd.
    cat >"$dir/containerd.toml" <<EOF
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$LAB_CONTAINERD_SOCK"

[ttrpc]
  address = "$LAB_CONTAINERD_SOCK.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd/opt"
EOF
    setsid nsenter --net="/run/netns/$LAB_DOCKER_NS" \
        containerd --config "$dir/containerd.toml" \
        </dev/null >"$dir/containerd.log" 2>&1 &
    LAB_CONTAINERD_PID=$!
    echo "$LAB_CONTAINERD_PID" >"$dir/containerd.lab-pid"
    if ! _lab_docker_wait "$timeout" "$LAB_CONTAINERD_PID" \
            ctr --address "$LAB_CONTAINERD_SOCK" version; then
        echo "lab_docker_up: containerd did not come up; end of $dir/containerd.log:" >&2
        tail -n 20 "$dir/containerd.log" >&2
        return 1
    fi

    # dockerd: its own data root, exec root, socket, pid file, config file
    # (so /etc/docker/daemon.json is not read) and trust key (so
    # /etc/docker/key.json is not written). With the cgroupfs driver the
    # containers' cgroups go under $LAB_DOCKER_CGROUP in every hierarchy.
    printf '{"deprecated-key-path": "%s"}\n' "$dir/key.json" >"$dir/daemon.json"
    local -a args=(
        --containerd "$LAB_CONTAINERD_SOCK"
        --data-root "$dir/data"
        --exec-root "$dir/exec"
        --pidfile "$dir/dockerd.pid"
        --config-file "$dir/daemon.json"
        --host "$DOCKER_HOST"
        --cgroup-parent "$LAB_DOCKER_CGROUP"
        --exec-opt native.cgroupdriver=cgroupfs
        "${LAB_DOCKERD_ARGS[@]}"
    )
    setsid env "${LAB_DOCKERD_ENV[@]}" \
        nsenter --net="/run/netns/$LAB_DOCKER_NS" dockerd "${args[@]}" \
        </dev/null >"$dir/dockerd.log" 2>&1 &
    LAB_DOCKERD_PID=$!
    echo "$LAB_DOCKERD_PID" >"$dir/dockerd.lab-pid"
    if ! _lab_docker_wait "$timeout" "$LAB_DOCKERD_PID" docker info; then
        echo "lab_docker_up: dockerd did not come up; end of $dir/dockerd.log:" >&2
        tail -n 20 "$dir/dockerd.log" >&2
        return 1
    fi
}

# _lab_docker_wait SECS PID CMD...: run CMD every 0.1 s until it succeeds;
# fail early if PID has exited.
_lab_docker_wait() {
    local secs=$1 pid=$2 i
    shift 2
    for ((i = 0; i < secs * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        _lab_docker_alive "$pid" || return 1
        sleep 0.1
    done
    return 1
}

# True if a dockerd, containerd or shim runs that is not ours (call it after
# ours are stopped).
_lab_docker_others_running() {
    local comm
    for comm in $(grep -lsxE 'dockerd|containerd|containerd-shim.*' /proc/[0-9]*/comm); do
        comm=${comm#/proc/}
        _lab_docker_alive "${comm%/comm}" && return 0
    done
    return 1
}

# _lab_docker_pid NAME: the pid of our daemon NAME (dockerd or containerd),
# from the file lab_docker_up wrote, if that process still runs with our
# directory on its command line (so a recycled pid is never signalled).
_lab_docker_pid() {
    local pid
    pid=$(cat "$LAB_DOCKER_DIR/$1.lab-pid" 2>/dev/null) || return 1
    tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$LAB_DOCKER_DIR/" || return 1
    echo "$pid"
}

# _lab_docker_alive PID: the process exists and is not a zombie. A daemon
# whose starting shell has exited is reparented to PID 1, which may reap it
# late; `kill -0` would still succeed on the zombie.
_lab_docker_alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# _lab_docker_cgroup_procs: pids of processes in our cgroup parent (any
# hierarchy). The parent is named with the lab's prefix and only one run of
# a lab runs at a time, so these are this lab's containers: after
# lab_docker_down stopped the daemons, or left by a run that was killed.
_lab_docker_cgroup_procs() {
    local cg=${LAB_DOCKER_CGROUP#/}
    [ -n "$cg" ] || return 0
    _lab_docker_cgroup_paths "$cg" | while read -r path; do
        find "$path" -name cgroup.procs -exec cat {} + 2>/dev/null || true
    done | sort -un
}

# _lab_docker_hierarchies: each mounted cgroup hierarchy, with a trailing
# slash: /sys/fs/cgroup/ itself on a pure cgroup v2 host (GitHub's Ubuntu
# runners), else every v1 controller under it (and a v1 host's `unified`).
_lab_docker_hierarchies() {
    if [ -f /sys/fs/cgroup/cgroup.procs ]; then
        echo /sys/fs/cgroup/
        return
    fi
    local hier
    for hier in /sys/fs/cgroup/*/; do
        echo "$hier"
    done
}

# _lab_docker_cgroup_paths NAME: the cgroup NAME (a top-level one) in each
# hierarchy, whether it exists or not.
_lab_docker_cgroup_paths() {
    local hier
    for hier in $(_lab_docker_hierarchies); do
        echo "$hier$1"
    done
}

_lab_docker_cgroup_kill() {
    local pid i
    for ((i = 0; i < 20; i++)); do
        pid=$(_lab_docker_cgroup_procs)
        [ -n "$pid" ] || return 0
        kill -KILL $pid 2>/dev/null || true
        sleep 0.1
    done
}

# _lab_docker_stop NAME: SIGTERM, wait up to 10 s, then SIGKILL.
_lab_docker_stop() {
    local name=$1 pid i
    pid=$(_lab_docker_pid "$name") || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        _lab_docker_alive "$pid" || return 0
        sleep 0.1
    done
    echo "lab_docker_down: $name ($pid) ignored SIGTERM for 10 s; SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
}

lab_docker_down() {
    local dir=${LAB_DOCKER_DIR:-}
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    local pid
    # Containers first, while dockerd can still tell containerd to remove
    # them (and runc their cgroups); then leave swarm mode if the lab used it.
    if _lab_docker_pid dockerd >/dev/null; then
        if [ "$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" = active ]; then
            docker swarm leave --force >/dev/null 2>&1 || true
        fi
        local ids
        ids=$(docker ps -aq 2>/dev/null)
        [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
    fi
    _lab_docker_stop dockerd
    _lab_docker_stop containerd

    # Shims outlive containerd by design; ours are the ones started with our
    # socket path on their command line.
    local cmdline
    for cmdline in $(grep -lsF "$dir/containerd.sock" /proc/[0-9]*/cmdline); do
        pid=${cmdline#/proc/}
        pid=${pid%/cmdline}
        case $(cat "/proc/$pid/comm" 2>/dev/null) in
            containerd-shim*) kill -KILL "$pid" 2>/dev/null || true ;;
        esac
    done

    # Anything still in our cgroup parent (a container whose shim died).
    _lab_docker_cgroup_kill

    # Mounts under $dir (overlay layers, netns bind mounts, shm), deepest first.
    local mnt
    for mnt in $(awk -v d="$dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
        umount -l "$mnt" 2>/dev/null || true
    done

    # Cgroups: our parent in every hierarchy (children first), and /docker
    # only if it was not there before and is empty.
    local hier cg
    for hier in $(_lab_docker_hierarchies); do
        cg=$hier${LAB_DOCKER_CGROUP#/}
        if [ -d "$cg" ] && ! grep -qxF "$cg" "$dir/preexisting"; then
            find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
        fi
        if [ -d "${hier}docker" ] && ! grep -qxF "${hier}docker" "$dir/preexisting"; then
            rmdir "${hier}docker" 2>/dev/null || true
        fi
    done

    # Shared paths: only if this run made them, they are empty, and no other
    # docker or containerd is running (it may have made them meanwhile).
    local path
    if ! _lab_docker_others_running; then
        for path in /etc/docker/key.json; do
            if [ -e "$path" ] && ! grep -qxF "$path" "$dir/preexisting"; then
                rm -f "$path"
            fi
        done
        for path in /run/containerd/s /run/containerd /run/docker/plugins /run/docker /etc/docker; do
            if [ -d "$path" ] && ! grep -qxF "$path" "$dir/preexisting"; then
                rmdir "$path" 2>/dev/null || true
            fi
        done
    fi
    rm -rf "$dir"
    unset LAB_DOCKERD_PID LAB_CONTAINERD_PID
    return 0
}

# lab_docker_import DIR TAG: make an image from a root filesystem directory.
lab_docker_import() {
    local dir=${1:?usage: lab_docker_import DIR TAG} tag=${2:?usage: lab_docker_import DIR TAG}
    tar -C "$dir" -c . | docker import -c 'CMD ["sh"]' - "$tag" >/dev/null
}

# lab_docker_bundle CONTAINER: the bundle dir (with config.json) containerd
# made for a running container.
lab_docker_bundle() {
    local id
    id=$(docker inspect --format '{{.Id}}' "${1:?usage: lab_docker_bundle CONTAINER}") || return 1
    echo "$LAB_DOCKER_BUNDLES/$id"
}
