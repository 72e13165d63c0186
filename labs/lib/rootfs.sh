# labs/lib/rootfs.sh: a busybox root filesystem built offline.
#
# There is no image registry here, so the labs build their container root
# filesystem from Debian's busybox-static (a single static binary).
#
# Use it from a lab block (bash):
#
#   . "$LAB_DIR/../lib/rootfs.sh"
#   lab_busybox_rootfs "$LAB_TMP/rootfs"
#
# Reads:  nothing but its argument. Needs /usr/bin/busybox from busybox-static
#         (the dynamically linked /bin/busybox of package busybox would not run
#         inside the container).
# Sets:   nothing. Creates DIR with bin/busybox and one symlink per applet in
#         bin/ (absolute, /bin/busybox: they resolve inside the container), the usual empty mount points (proc sys dev tmp root), and an
#         etc/ with root in passwd and group, so that `id`, `httpd` and docker
#         find what they look up.

lab_busybox_rootfs() {
    local dir=${1:?usage: lab_busybox_rootfs DIR}
    local busybox=${LAB_BUSYBOX:-/usr/bin/busybox}
    if ! lab_is_static "$busybox"; then
        echo "lab_busybox_rootfs: $busybox is not a static busybox (apt-get install busybox-static)" >&2
        return 1
    fi
    mkdir -p "$dir"/{bin,proc,sys,dev,etc,tmp,root}
    chmod 1777 "$dir/tmp"
    cp "$busybox" "$dir/bin/busybox"
    # One process makes all the applet links (/bin/NAME -> /bin/busybox),
    # seen from inside the new root: a loop of `ln` would fork ~270 times.
    chroot "$dir" /bin/busybox --install -s /bin
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
}

# True if $1 is an executable that needs no shared libraries (ldd, from
# libc-bin, exits non-zero on "not a dynamic executable").
lab_is_static() {
    [ -x "$1" ] && ! ldd "$1" >/dev/null 2>&1
}
