#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QStringList>

namespace tap::api {

// A credential's approval policy: the body of PUT /admin/policies/{credential} (every field
// optional, absent means empty/false) and, with `credential`, `configured` and `updatedAt`, the
// answer of GET. Without a policy every request needs approval.
struct Policy
{
    QStringList autoApproveMethods; // upper-case, no duplicates
    QStringList requireApprovalMethods;
    QStringList autoApproveUrls;
    QStringList allowedApprovers;
    QString telegramChatId; // numeric id or @channel; empty: none (null on the wire)
    QString matrixRoomId; // !room or #alias; empty: none
    QString approvalChannel; // a notification channel's name; empty: none
    bool requirePasskey = false;

    // Output only.
    QString credential;
    bool configured = true;
    QString updatedAt;

    // The PUT body. Unknown keys, wrong types, unknown methods, a method in both lists, a bad
    // chat or room id are refused with InvalidRequest (error.field() names the key). Whether
    // approval_channel names an existing channel is the service's check.
    static core::Result<Policy> decodeInput(const QJsonObject &body);
    QJsonObject encodeInput() const;
    // The GET/PUT answer; an unconfigured policy has no updated_at and says what that means.
    QJsonObject encode() const;
    static Policy decode(const QJsonObject &object); // lenient
    static Policy unconfigured(const QString &credential);
    bool operator==(const Policy &) const = default;
};

} // namespace tap::api
