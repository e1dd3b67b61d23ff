# Sourced by ci/test.sh and ci/demo.sh: installs the Debian packages the
# build and the tests need when they are missing (a fresh Debian 12).
build_packages=(g++ cmake make pkg-config libssl-dev openssl libyaml-cpp-dev
  libboost-filesystem-dev libboost-program-options-dev nlohmann-json3-dev catch2)
test_packages=(mosquitto mosquitto-clients python3 python3-jsonschema python3-yaml dpkg-dev file ansible-core strace)
fuzz_packages=(clang libclang-rt-14-dev)

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "ci: installing ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "ci: need root (or sudo) to install ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
