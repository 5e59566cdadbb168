
# berth launcher (built from scripts/jdk.sh and controller/src/main/launcher/berth.sh).
# Lean JVM flags, as the agent's: a short-lived CLI needs a small heap and no tiered JIT beyond C1.
here=$(dirname "$(readlink -f "$0")")  # follows a symlink to the launcher
java_home=$(berth_java_home) || exit 2
exec "$java_home/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:-UsePerfData \
    -Xms8m -Xmx128m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=32m \
    -jar "$here/berth.jar" "$@"
