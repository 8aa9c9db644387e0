# Sourced by ./mvpos and ./run-tests: finds a JDK 21 or newer and exports JAVA_HOME.
# Looks at $JAVA_HOME, then `java` on the PATH, then every JDK under /usr/lib/jvm and /opt
# (the newest wins). Prints exactly what to do when none is found.

mvpos_java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

mvpos_find_jdk() {
  local candidates=() home best="" best_major=0 major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/*; do
    [ -d "$home" ] && candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    major=$(mvpos_java_major "$home/bin/java")
    [ -n "$major" ] || continue
    # $JAVA_HOME, when it is recent enough, is taken as the user's choice.
    if [ "$home" = "${JAVA_HOME:-}" ] && [ "$major" -ge 21 ]; then best=$home; best_major=$major; break; fi
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best=$home; best_major=$major; fi
  done
  if [ -z "$best" ]; then
    {
      echo "mvpos: error: no JDK 21 or newer found (looked at \$JAVA_HOME, javac on the PATH, /usr/lib/jvm/*, /opt)."
      echo "Install one, for example 'sudo apt-get install openjdk-21-jdk' (Debian/Ubuntu) or Temurin 21+"
      echo "from https://adoptium.net, then run this command again, or point JAVA_HOME at it:"
      echo "  JAVA_HOME=/path/to/jdk-21 $0 $*"
    } >&2
    return 1
  fi
  export JAVA_HOME=$best
  MVPOS_JAVA_MAJOR=$best_major
  # JDK 24+ warns on every start about sun.misc.Unsafe, which Netty and Maven's Guava use.
  MVPOS_JVM_FLAGS="--enable-native-access=ALL-UNNAMED"
  if [ "$best_major" -ge 24 ]; then
    MVPOS_JVM_FLAGS="$MVPOS_JVM_FLAGS --sun-misc-unsafe-memory-access=allow"
  fi
  export MVPOS_JAVA_MAJOR MVPOS_JVM_FLAGS
}

mvpos_require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "mvpos: error: Maven (mvn) is needed to build mvpos; install it with 'sudo apt-get install maven' (Debian/Ubuntu) or from https://maven.apache.org, then run this command again." >&2
    return 1
  fi
  export MAVEN_OPTS="${MAVEN_OPTS:-} ${MVPOS_JVM_FLAGS:-}"
}
