#!/usr/bin/env bash
# Builds the berth-agent LinuxKit package's root filesystem as one tarball (run by linuxkit-pkg/pom.xml):
#   /opt/berth/java/             a jlinked runtime: only the modules the agent uses
#   /opt/berth/berth-agent.jar, lib/, berth-agent.jvm (the launcher's JVM flags, a java @argfile)
#   /opt/berth/berth-agent.aot   the AOT cache, trained on that runtime at these very paths
#   /opt/berth/native/           JNA's native library, unpacked here (the root is read-only at run time)
#   /usr/bin/vmware-rpctool      open-vm-tools' guestinfo reader (Debian's)
#   the C libraries all of it links to, and empty mount points for build.yml's binds. No shell.
# Usage: build-rootfs.sh AGENT_TARGET_DIR OUT_DIR   (AGENT_TARGET_DIR holds berth-agent.jar, lib/, berth-agent.jvm)
set -euo pipefail
agent=$(readlink -f "$1")
out=$(readlink -f "$2")
here=$(dirname "$(readlink -f "$0")")
. "$here/../../scripts/jdk.sh"
jdk=$(berth_java_home)
[ "$(berth_java_major "$jdk")" -ge 25 ] || { echo "build-rootfs: the AOT cache needs JDK 25+ (found $jdk)" >&2; exit 2; }
rpctool=$(command -v vmware-rpctool) || { echo "build-rootfs: no vmware-rpctool: apt-get install open-vm-tools" >&2; exit 2; }

rootfs=$out/rootfs
rm -rf "$rootfs" "$out/berth-agent-rootfs.tar"
mkdir -p "$rootfs/opt/berth" "$rootfs/usr/bin"
app=$rootfs/opt/berth

# The modules jdeps finds in the agent and its libraries, less java.desktop (java.beans, which Jackson and JNA
# use only when present; it would bring AWT and X11's C libraries) and java.compiler (annotation processing
# types only). No compression: memory and start-up before size.
modules=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 -q \
    --class-path "$agent/lib/*" "$agent/berth-agent.jar" | tr , '\n' | grep -vx -e java.desktop -e java.compiler | paste -sd,)
"$jdk/bin/jlink" --add-modules "$modules" --output "$app/java" \
    --strip-java-debug-attributes --no-header-files --no-man-pages
# Temurin ships its libraries with their symbol tables (libjvm.so 29.8 MB -> 24.8 MB); only the dynamic ones
# are needed to run.
find "$app/java" -name '*.so' -exec strip --strip-unneeded {} +
cp -p "$agent/berth-agent.jar" "$agent/berth-agent.jvm" "$app/"
cp -pr "$agent/lib" "$app/lib"

# JNA (OSHI's facts) would unpack its native library into /tmp at first use; ship it unpacked instead.
jna=$(ls "$app"/lib/jna-[0-9]*.jar)
mkdir -p "$app/native"
(cd "$app/native" && "$jdk/bin/jar" xf "$jna" com/sun/jna/linux-x86-64/libjnidispatch.so &&
    mv com/sun/jna/linux-x86-64/libjnidispatch.so . && rm -r com)
cp -p "$rpctool" "$rootfs/usr/bin/vmware-rpctool"

# Every shared library the ELF files link to, at the path the loader finds it on the build host.
find "$rootfs" -type f \( -name '*.so*' -o -perm -u+x \) -print0 |
    xargs -0 -n1 sh -c '[ "$(head -c4 "$0" | tail -c3)" = ELF ] && ldd "$0" 2>/dev/null || true' |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u |
    while read -r lib; do
        case "$lib" in "$rootfs"/*) continue ;; esac
        mkdir -p "$rootfs$(dirname "$lib")"
        cp -L "$lib" "$rootfs$lib"
    done
# The loader also under the name every binary asks for (with a merged /usr, /lib64 may be a link on the build host).
[ -e "$rootfs/lib64/ld-linux-x86-64.so.2" ] || { mkdir -p "$rootfs/lib64"; cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"; }

# Mount points of build.yml's binds and tmpfs: the root is read-only when the container runs.
mkdir -p "$rootfs"/{dev,proc,sys/class/dmi/id,tmp,var/run,var/lib/berth,run/config/berth}
mkdir -p "$rootfs/etc" && touch "$rootfs"/etc/{resolv.conf,os-release,machine-id}

# The AOT cache, trained through the runtime and paths the image runs (a cache made elsewhere is refused):
# /opt/berth of the rootfs is bind-mounted at /opt/berth in a mount namespace of its own, gone when it ends.
unshare_args=(--mount --propagation private)
[ "$(id -u)" = 0 ] || unshare_args+=(--map-root-user)
log=$out/aot-training.log
if ! JAVA_TOOL_OPTIONS="-XX:AOTCacheOutput=/opt/berth/berth-agent.aot -Xlog:aot=error -Dberth.aotTraining=true" \
    unshare "${unshare_args[@]}" sh -c '
        mount -t tmpfs berth-build /opt && mkdir /opt/berth && mount --bind "$1" /opt/berth &&
        /opt/berth/java/bin/java @/opt/berth/berth-agent.jvm -Djna.boot.library.path=/opt/berth/native \
            -Djna.nounpack=true -jar /opt/berth/berth-agent.jar' sh "$app" >"$log" 2>&1 ||
    [ ! -s "$app/berth-agent.aot" ]; then
    cat "$log" >&2
    echo "build-rootfs: the AOT training failed" >&2
    exit 1
fi
rm -f "$log"
# The cache must load with the flags build.yml gives (AOTMode=on fails when it cannot be used).
unshare "${unshare_args[@]}" sh -c '
    mount -t tmpfs berth-build /opt && mkdir /opt/berth && mount --bind "$1" /opt/berth &&
    /opt/berth/java/bin/java @/opt/berth/berth-agent.jvm -XX:AOTMode=on -XX:AOTCache=/opt/berth/berth-agent.aot \
        -jar /opt/berth/berth-agent.jar --version' sh "$app" >/dev/null

tar --sort=name --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$out/berth-agent-rootfs.tar" .
rm -rf "$rootfs"
echo "build-rootfs: $out/berth-agent-rootfs.tar ($(du -m "$out/berth-agent-rootfs.tar" | cut -f1) MB)" >&2
