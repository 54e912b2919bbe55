#pragma once

#include <QJsonObject>
#include <QLatin1String>
#include <QString>

namespace tap::api {

// The answer of a DELETE: {"status": "deleted"} plus what was deleted under `key` (when set)
// and a sentence (when set). Members answer "removed" instead of "deleted".
struct Deleted
{
    QLatin1String key; // key::kName, key::kId, or empty
    QString value;
    QString message;
    QString status = QStringLiteral("deleted");

    QJsonObject encode() const;
};

} // namespace tap::api
