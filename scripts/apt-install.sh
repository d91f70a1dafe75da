# Sourced by the ensure-*.sh scripts: `apt_install PACKAGE` installs Debian's PACKAGE with
# apt-get (through sudo unless run as root), without questions and without recommends.
apt_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends "$1"
}
