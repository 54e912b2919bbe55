#include "api/deleted.h"

#include "api/keys.h"

#include <QJsonArray>

namespace tap::api {

QJsonObject Deleted::encode() const
{
    QJsonObject o{ { key::kStatus, status } };
    if (!key.isEmpty())
        o.insert(key, value);
    if (!message.isEmpty())
        o.insert(key::kMessage, message);
    if (deletedCredentials)
        o.insert(key::kDeletedCredentials, QJsonArray::fromStringList(*deletedCredentials));
    return o;
}

} // namespace tap::api
