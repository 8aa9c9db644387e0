# Sourced by ./mvpos and ./run-tests: finds a JDK 21 or newer and exports JAVA_HOME.
# Looks at $JAVA_HOME, then `java` on the PATH, then every JDK under /usr/lib/jvm and /opt
# (the newest wins). Prints exactly what to do when none is found.
# A JDK's version is read from its `release` file, without starting it; the choice is cached in
# ${XDG_CACHE_HOME:-~/.cache}/mvpos/jdk-choice for as long as the candidates are the same.

mvpos_release_value() { # prints the value of key $2 in the release file of the JDK at $1, quotes removed
  local key value
  [ -r "$1/release" ] || return 0
  while IFS='=' read -r key value; do
    if [ "$key" = "$2" ]; then
      value=${value#\"}; value=${value%\"}
      printf '%s\n' "$value"
      return 0
    fi
  done <"$1/release"
}

mvpos_java_major() { # prints the major version of the JDK at $1, or nothing
  local version
  version=$(mvpos_release_value "$1" JAVA_VERSION)
  if [ -z "$version" ]; then # no release file: ask the java binary itself
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
    return 0
  fi
  version=${version%%[!0-9]*} # 25.0.3 -> 25; 1.8.0_392 -> 1
  printf '%s\n' "$version"
}

mvpos_find_jdk() {
  local candidates=() home best="" best_major=0 major key cache line
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/*; do
    [ -d "$home" ] && candidates+=("$home")
  done
  key="${JAVA_HOME:-}|${candidates[*]}"
  cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/mvpos/jdk-choice
  if [ -r "$cache" ]; then
    { IFS= read -r line; IFS= read -r home; IFS= read -r major; } <"$cache" || true
    if [ "$line" = "$key" ] && [ -x "$home/bin/java" ] && [ "$(mvpos_java_major "$home")" = "$major" ]; then
      best=$home; best_major=$major
    fi
  fi
  if [ -z "$best" ]; then
    for home in "${candidates[@]}"; do
      [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
      major=$(mvpos_java_major "$home")
      [ -n "$major" ] || continue
      # $JAVA_HOME, when it is recent enough, is taken as the user's choice.
      if [ "$home" = "${JAVA_HOME:-}" ] && [ "$major" -ge 21 ]; then best=$home; best_major=$major; break; fi
      if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best=$home; best_major=$major; fi
    done
    if [ -n "$best" ] && mkdir -p "$(dirname "$cache")" 2>/dev/null; then
      printf '%s\n%s\n%s\n' "$key" "$best" "$best_major" >"$cache.$$" 2>/dev/null && mv -f "$cache.$$" "$cache" 2>/dev/null || true
    fi
  fi
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
  # The full version names the start-up archive, which only the JVM that wrote it can read.
  MVPOS_JAVA_VERSION=$(mvpos_release_value "$best" JAVA_RUNTIME_VERSION)
  [ -n "$MVPOS_JAVA_VERSION" ] || MVPOS_JAVA_VERSION=$(mvpos_release_value "$best" JAVA_VERSION)
  [ -n "$MVPOS_JAVA_VERSION" ] || MVPOS_JAVA_VERSION=$best_major
  MVPOS_JAVA_VERSION=${MVPOS_JAVA_VERSION//[^A-Za-z0-9._+-]/_}
  # JDK 24+ warns on every start about sun.misc.Unsafe, which Netty and Maven's Guava use.
  MVPOS_JVM_FLAGS="--enable-native-access=ALL-UNNAMED"
  if [ "$best_major" -ge 24 ]; then
    MVPOS_JVM_FLAGS="$MVPOS_JVM_FLAGS --sun-misc-unsafe-memory-access=allow"
  fi
  export MVPOS_JAVA_MAJOR MVPOS_JAVA_VERSION MVPOS_JVM_FLAGS
}

mvpos_require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "mvpos: error: Maven (mvn) is needed to build mvpos; install it with 'sudo apt-get install maven' (Debian/Ubuntu) or from https://maven.apache.org, then run this command again." >&2
    return 1
  fi
  export MAVEN_OPTS="${MAVEN_OPTS:-} ${MVPOS_JVM_FLAGS:-}"
}
