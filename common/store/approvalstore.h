#pragma once

#include "core/result.h"
#include "store/database.h"

#include <optional>

namespace tap::store {

// A request that waits for (or has had) a human decision. The reviewed request and the
// upstream response are sealed with the team key; the rest is metadata approvers may see.
struct ApprovalRow
{
    QString id; // the txn_id
    QString teamId;
    QString agentHomeTeamId;
    QString agentId;
    QString credentialName;
    QString requestId;
    QString status = QStringLiteral("pending"); // pending approved forwarded denied expired failed
    QString method;
    QString target;
    QString bodyPreview;
    QByteArray sealedRequest;
    bool requirePasskey = false;
    QString decidedBy;
    QString decidedVia;
    qint64 decidedAt = 0;
    int responseStatus = 0;
    QByteArray sealedResponse;
    qint64 createdAt = 0;
    qint64 expiresAt = 0;
};

class ApprovalStore
{
public:
    explicit ApprovalStore(Database &db) : m_db(db) { }

    core::Result<void> create(const ApprovalRow &row);
    core::Result<std::optional<ApprovalRow>> get(const QString &id);
    // pending → expired for every approval past its deadline; returns how many changed.
    core::Result<int> expireDue(qint64 now);

private:
    Database &m_db;
};

} // namespace tap::store
