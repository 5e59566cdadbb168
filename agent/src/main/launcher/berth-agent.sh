
# berth-agent launcher (built from scripts/jdk.sh and agent/src/main/launcher/berth-agent.sh).
# Lean JVM flags: the agent is small, and every Ansible module call starts a JVM.
here=$(cd "$(dirname "$0")" && pwd)
java_home=$(berth_java_home) || exit 2
exec "$java_home/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:-UsePerfData \
    -jar "$here/berth-agent.jar" "$@"
