#pragma once

#include "core/result.h"
#include "store/database.h"

#include <optional>

namespace tap::store {

// What the chat bots look up and change: members' linked chat accounts
// (users.telegram_user_id / matrix_user_id) and the one-time codes that link them.
// Codes are stored as keyed hashes only (KeyRing::tokenHash()); the caller hashes.
class ChatStore
{
public:
    enum class Network { Telegram, Matrix };

    struct LinkedMember
    {
        QString userId;
        QString email;
    };

    enum class Redeemed {
        Linked, // the chat id is now the member's (and no other user's)
        Unknown, // no such code: wrong, already used, or its member left the team
        Expired, // the code was found but had expired; it is gone now
    };
    struct Redemption
    {
        Redeemed outcome = Redeemed::Unknown;
        QString teamId; // set when Linked
        QString userId;
        QString email;
    };

    explicit ChatStore(Database &db) : m_db(db) { }

    // Stores a new code for the member, replacing the member's earlier codes in that team;
    // expired codes of anyone are purged on the way.
    core::Result<void> putLinkCode(const QString &codeHash, const QString &teamId,
                                   const QString &userId, qint64 expiresAt, qint64 now);
    // Takes the code (single use, also under concurrent calls: exactly one caller gets Linked)
    // and, if it is still valid, moves `chatUserId` of `network` to its member. All or nothing.
    core::Result<Redemption> redeemLinkCode(const QString &codeHash, Network network,
                                            const QString &chatUserId, qint64 now);
    // The member of `teamId` who linked `chatUserId`, if any.
    core::Result<std::optional<LinkedMember>> memberByChatId(Network network, const QString &teamId,
                                                             const QString &chatUserId);
    // The team's display name; the id itself when the team is gone.
    core::Result<QString> teamName(const QString &teamId);

private:
    Database &m_db;
};

} // namespace tap::store
