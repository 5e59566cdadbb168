
# berth-agent launcher (built from scripts/jdk.sh and agent/src/main/launcher/berth-agent.sh).
# Lean JVM flags: the agent is small (~12 MB live heap), every Ansible module call starts a JVM, and `run`
# lives on every worker: a small heap that gives memory back (the default would commit 1/64 of the RAM).
here=$(dirname "$(readlink -f "$0")")  # follows a symlink to the launcher
java_home=$(berth_java_home) || exit 2
# The build's AOT cache (JDK 25+) halves a cold start; a JDK other than the one that made it ignores it.
aot=
if [ -f "$here/berth-agent.aot" ] && [ "$(berth_java_major "$java_home")" -ge 25 ]; then
    aot="-XX:AOTCache=$here/berth-agent.aot"
fi
# One malloc arena: the agent has few busy threads, and each arena would keep memory of its own (~12 MiB less idle).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
# The JVM flags live in berth-agent.jvm (a java @argfile), which the LinuxKit package's build.yml uses too.
# berth.launcher: the path `facts --install` writes into the fact file it makes.
exec "$java_home/bin/java" "@$here/berth-agent.jvm" $aot "-Dberth.launcher=$here/berth-agent" \
    -jar "$here/berth-agent.jar" "$@"
