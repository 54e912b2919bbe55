#pragma once

#include <QJsonObject>
#include <QLatin1String>
#include <QString>
#include <QStringList>

#include <optional>

namespace tap::api {

// The answer of a DELETE: {"status": "deleted"} plus what was deleted under `key` (when set)
// and a sentence (when set). Members answer "removed" instead of "deleted".
struct Deleted
{
    QLatin1String key; // key::kName, key::kId, or empty
    QString value;
    QString message;
    QString status = QStringLiteral("deleted");
    // Deleting an agent, role or agent link: its scoped credential rows, deleted with it
    // ("deleted_credentials": [name, ...]).
    std::optional<QStringList> deletedCredentials = std::nullopt;

    QJsonObject encode() const;
};

} // namespace tap::api
