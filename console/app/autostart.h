#pragma once

#include <QString>

namespace tap::console {

// Start at login (the XDG autostart specification): the entry
// $XDG_CONFIG_HOME/autostart/tap-console.desktop (~/.config when unset), written from the
// installed resources/tap-console.desktop with Exec running `program` in the tray.
namespace autostart {

QString entryPath();
bool isEnabled();
// Writes the entry for `program` (an absolute path) or removes it; false when the file could
// not be written or removed.
bool setEnabled(bool enabled, const QString &program);
// The entry's text for `program`.
QString entryText(const QString &program);
// `program` quoted for an Exec key (the desktop entry specification's rules).
QString quoteExec(const QString &program);

} // namespace autostart
} // namespace tap::console
