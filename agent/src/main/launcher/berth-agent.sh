
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
exec "$java_home/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:-UsePerfData \
    -Xms8m -Xmx64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=32m $aot \
    -jar "$here/berth-agent.jar" "$@"
