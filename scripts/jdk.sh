#!/bin/sh
# Sourced by Berth's scripts and built into the launchers: find a JDK >= 21 without starting one
# (the launcher is on the hot path of every Ansible module call).

# Prints the feature version of the JDK at $1 (21, 25, ...) from its release file, or nothing.
berth_java_major() {
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}

# Prints the first JDK home that is >= 21: $JAVA_HOME, else Temurin 25; else one line naming what to install.
berth_java_home() {
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
        version=$(berth_java_major "$candidate")
        if [ -n "$version" ] && [ "$version" -ge 21 ]; then
            echo "$candidate"
            return 0
        fi
    done
    echo "berth: no JDK >= 21: set JAVA_HOME to one, or install Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64 (Debian 12's own JDK stops at 17)" >&2
    return 1
}
