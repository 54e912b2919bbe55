#include "api/server.h"

#include "api/keys.h"

namespace tap::api {

QJsonObject ServerInfo::encode() const
{
    return { { key::kVersion, version },
             { key::kDatabase, database },
             { key::kSchemaVersion, schemaVersion },
             { key::kMasterKeyFingerprint, masterKeyFingerprint } };
}

ServerInfo ServerInfo::decode(const QJsonObject &o)
{
    return { o.value(key::kVersion).toString(), o.value(key::kDatabase).toString(),
             o.value(key::kSchemaVersion).toInt(), o.value(key::kMasterKeyFingerprint).toString() };
}

} // namespace tap::api
