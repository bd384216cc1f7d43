#!/bin/sh
# Installs the system programs the test suite drives for real: tmux (the TUI in a
# real terminal) and Dovecot (a real IMAP server). Does nothing when they are present.
set -e
missing=""
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
[ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1 || missing="$missing dovecot-imapd"
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
echo "installing test tools:$missing"
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
# the test fixtures start their own Dovecot; keep the system one from holding ports
$SUDO systemctl disable --now dovecot >/dev/null 2>&1 || $SUDO service dovecot stop >/dev/null 2>&1 || true
