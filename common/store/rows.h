#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

// Plain rows as the repositories read and write them. Times are epoch milliseconds (UTC).
// No row type ever carries a secret in clear: sealed values stay sealed (see Vault).
namespace tap::store {

struct TeamRow
{
    QString id;
    QString name;
    qint64 createdAt = 0;
};

struct UserRow
{
    QString id;
    QString email;
    QString passwordHash;
    bool emailVerified = false;
    QString telegramUserId;
    QString matrixUserId;
    qint64 createdAt = 0;
};

struct MemberRow
{
    QString userId;
    QString email;
    QString role;
    bool emailVerified = false;
    qint64 createdAt = 0;
};

struct SessionRow
{
    QString userId;
    QString teamId;
    QString email;
    QString role; // the user's role in teamId
    qint64 expiresAt = 0;
};

struct InviteRow
{
    QString id;
    QString teamId;
    QString email;
    QString role;
    QString tokenHash;
    QString invitedBy;
    qint64 expiresAt = 0;
    qint64 acceptedAt = 0;
    qint64 createdAt = 0;
};

struct CredentialRow
{
    QString id;
    QString teamId;
    QString name;
    QString scopeKind = QStringLiteral("team"); // team | role | agent
    QString scopeId;
    QString description;
    QString connector = QStringLiteral("direct"); // direct | sidecar
    QString apiBase;
    bool relativeTarget = false;
    QString authHeaderFormat = QStringLiteral("Bearer {value}");
    QStringList allowedHosts;
    QStringList bodyPlaceholderFields;
    bool hasValue = false;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    // static | oauth1 | aws_sigv4 (README "Signing credentials"): a signing kind's secret parts
    // are sealed together as one JSON object; its visible settings (aws_sigv4: region,
    // service) are in kindSettings, the names of the parts set in partsSet.
    QString kind = QStringLiteral("static");
    QJsonObject kindSettings;
    QStringList partsSet;
    // oauth2: "" or "reauth_required" (the token endpoint refused the refresh token).
    QString oauthState;
};

struct PolicyRow
{
    QStringList autoApproveMethods;
    QStringList requireApprovalMethods;
    QStringList autoApproveUrls;
    QStringList allowedApprovers;
    QString telegramChatId;
    QString matrixRoomId;
    QString approvalChannel;
    bool requirePasskey = false;
    qint64 updatedAt = 0;
};

struct AgentRow
{
    QString teamId;
    QString id;
    QString description;
    bool enabled = true;
    int rateLimitPerHour = -1; // -1: unlimited
    // Made when the agent is created: the same id deleted and created again is another agent.
    QString instanceId;
    QString createdBy; // the member (users.id) who created it; empty: unknown or removed
    QStringList credentials; // direct assignments (credential names)
    QStringList roles;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

struct RoleRow
{
    QString name;
    QString description;
    QStringList credentials;
    int rateLimitPerHour = -1;
    qint64 createdAt = 0;
};

struct LinkRow
{
    QString teamId; // the linked team
    QString agentHomeTeamId;
    QString agentId;
    QString role; // empty: no role scope
    QString createdBy;
    qint64 createdAt = 0;
    QStringList credentials = {}; // direct assignments in the linked team (names)
};

struct ChannelRow
{
    QString name;
    QString type; // telegram | matrix | desktop
    QJsonObject config;
    bool hasSecret = false;
    bool enabled = true;
    qint64 createdAt = 0;
};

} // namespace tap::store
