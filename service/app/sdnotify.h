#pragma once

#include <QByteArrayView>

namespace tap::app {

// systemd's readiness protocol (sd_notify(3)), written out instead of linking libsystemd: one
// datagram of "KEY=VALUE" lines to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or
// "@name" for the abstract namespace). Without $NOTIFY_SOCKET (not started by systemd with
// Type=notify) it does nothing. Returns whether the datagram was sent.
bool sdNotify(QByteArrayView state);

} // namespace tap::app
