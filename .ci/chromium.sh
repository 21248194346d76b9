# Sourced by .ci/run: provision_chromium installs Debian's chromium (headless, for the browser tests driven by
# Playwright) and sets NUAGES_TEST_CHROMIUM to it.
provision_chromium() {
    if ! command -v chromium >/dev/null 2>&1; then
        log "Installing chromium from Debian's packages"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq chromium >/dev/null || return 1
    fi
    export NUAGES_TEST_CHROMIUM="$(command -v chromium)"
}
