
# berth launcher (built from scripts/jdk.sh and controller/src/main/launcher/berth.sh).
here=$(dirname "$(readlink -f "$0")")  # follows a symlink to the launcher
java_home=$(berth_java_home) || exit 2
exec "$java_home/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xmx256m \
    -jar "$here/berth.jar" "$@"
