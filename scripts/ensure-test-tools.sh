#!/bin/sh
# Installs the system programs the test suite drives for real, and only those missing:
# tmux (the TUI in a real terminal), Dovecot (a real IMAP server), faketime (the suite
# once more with the wall clock moved), chromium (the HTML report and the facilitator guide
# in a real browser) and poppler-utils (pdftotext, to read the printed guide page by page).
# Does nothing when they are present.
set -e
missing=""
command -v tmux >/dev/null 2>&1 || missing="$missing tmux"
dovecot_missing=no
if ! [ -x /usr/sbin/dovecot ] && ! command -v dovecot >/dev/null 2>&1; then
  missing="$missing dovecot-imapd"
  dovecot_missing=yes
fi
command -v faketime >/dev/null 2>&1 || missing="$missing faketime"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
[ -z "$missing" ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || {
    echo "the tests need:$missing; install them (apt-get install$missing) and run again" >&2
    exit 1
  }
  SUDO="sudo"
  echo "using sudo to run: apt-get update; apt-get install$missing"
fi
echo "installing test tools:$missing"
$SUDO apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
if [ "$dovecot_missing" = yes ]; then
  # the package starts a system Dovecot that we just installed; the fixtures start their own,
  # so stop the one this script started (never one that was there before)
  echo "stopping the system Dovecot this script just installed (the tests start their own)"
  $SUDO systemctl disable --now dovecot >/dev/null 2>&1 || $SUDO service dovecot stop >/dev/null 2>&1 || true
fi
