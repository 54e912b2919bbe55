#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace tap::api {

// The closed vocabularies of the wire contract. Each has exactly one parse/format pair; the
// wire spelling lives only in enums.cpp. parse*() is exact (case-sensitive) and returns
// nullopt for anything else; *Name() is total.

// A member's role in a team (README "Teams and members").
enum class MemberRole { Owner, Admin, Approver };
std::optional<MemberRole> parseMemberRole(QStringView text);
QString memberRoleName(MemberRole role);
// Owners and admins change configuration; approvers read it and decide approvals.
inline bool canConfigure(MemberRole role)
{
    return role == MemberRole::Owner || role == MemberRole::Admin;
}

// Where an approval request stands. Pending is the only state a decision can leave.
enum class ApprovalStatus { Pending, Approved, Forwarded, Denied, Expired, Failed };
std::optional<ApprovalStatus> parseApprovalStatus(QStringView text);
QString approvalStatusName(ApprovalStatus status);

// How tapd reaches a credential's API: directly, or through a sidecar at api_base.
enum class Connector { Direct, Sidecar };
std::optional<Connector> parseConnector(QStringView text);
QString connectorName(Connector connector);

// What a credential row belongs to: the team (listed in the admin API), a role or an agent.
enum class ScopeKind { Team, Role, Agent };
std::optional<ScopeKind> parseScopeKind(QStringView text);
QString scopeKindName(ScopeKind kind);

// Through which channel an approval was decided ("decided_via").
enum class ApprovalChannel { Admin, Link, Passkey, Telegram, Matrix };
std::optional<ApprovalChannel> parseApprovalChannel(QStringView text);
QString approvalChannelName(ApprovalChannel channel);

// The type of a notification channel ("channel_type").
enum class ChannelType { Telegram, Matrix, Desktop };
std::optional<ChannelType> parseChannelType(QStringView text);
QString channelTypeName(ChannelType type);

// Every wire name of an enum, in declaration order (for combo boxes and error messages).
template <typename E>
QStringList allNames();

} // namespace tap::api
