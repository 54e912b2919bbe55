#pragma once

#include <QIcon>

namespace tap::console {

// The console's icons from :/icons/<name>.svg; a style icon stands in where SVG cannot be
// drawn (no Qt SVG plugin installed).
QIcon icon(const QString &name);

} // namespace tap::console
