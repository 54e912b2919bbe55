#!/bin/sh
# Runs "$@" with an XEmbed system tray host on $DISPLAY (an Xvfb from xvfb-run), so that
# QSystemTrayIcon::isSystemTrayAvailable() is true and the tray icon is really shown. The host is
# trayer (Debian package trayer: packaging/install-deps.sh --test), a panel at the top right
# edge with a grey background. The program waits for the tray itself (it owns the
# _NET_SYSTEM_TRAY_S0 selection a moment after starting). Exits with the program's status.
set -u
if [ -z "${DISPLAY:-}" ]; then
    echo "with_tray_host.sh: no DISPLAY (run it under xvfb-run)" >&2
    exit 2
fi
trayer --edge top --align right --widthtype request --height 32 --SetDockType false \
    --SetPartialStrut false --transparent true --alpha 0 --tint 0x505050 >/dev/null 2>&1 &
host=$!
"$@"
status=$?
kill "$host" 2>/dev/null
wait "$host" 2>/dev/null
exit "$status"
