#include "api/enums.h"

#include <array>
#include <utility>

namespace tap::api {

namespace {

// One table per enum: the enumerator and its wire spelling, in declaration order.
template <typename E, std::size_t N>
using Names = std::array<std::pair<E, const char16_t *>, N>;

constexpr Names<MemberRole, 3> kMemberRoles{ { { MemberRole::Owner, u"owner" },
                                               { MemberRole::Admin, u"admin" },
                                               { MemberRole::Approver, u"approver" } } };
constexpr Names<ApprovalStatus, 6> kApprovalStatuses{ { { ApprovalStatus::Pending, u"pending" },
                                                        { ApprovalStatus::Approved, u"approved" },
                                                        { ApprovalStatus::Forwarded, u"forwarded" },
                                                        { ApprovalStatus::Denied, u"denied" },
                                                        { ApprovalStatus::Expired, u"expired" },
                                                        { ApprovalStatus::Failed, u"failed" } } };
constexpr Names<Connector, 2> kConnectors{ { { Connector::Direct, u"direct" },
                                             { Connector::Sidecar, u"sidecar" } } };
constexpr Names<ScopeKind, 3> kScopeKinds{
    { { ScopeKind::Team, u"team" }, { ScopeKind::Role, u"role" }, { ScopeKind::Agent, u"agent" } }
};
constexpr Names<ApprovalChannel, 5> kApprovalChannels{ { { ApprovalChannel::Admin, u"admin" },
                                                         { ApprovalChannel::Link, u"link" },
                                                         { ApprovalChannel::Passkey, u"passkey" },
                                                         { ApprovalChannel::Telegram, u"telegram" },
                                                         { ApprovalChannel::Matrix, u"matrix" } } };
constexpr Names<ChannelType, 3> kChannelTypes{ { { ChannelType::Telegram, u"telegram" },
                                                 { ChannelType::Matrix, u"matrix" },
                                                 { ChannelType::Desktop, u"desktop" } } };

template <typename E, std::size_t N>
std::optional<E> parse(const Names<E, N> &table, QStringView text)
{
    for (const auto &[value, name] : table) {
        if (text == QStringView(name))
            return value;
    }
    return std::nullopt;
}

template <typename E, std::size_t N>
QString format(const Names<E, N> &table, E value)
{
    for (const auto &[v, name] : table) {
        if (v == value)
            return QString::fromUtf16(name);
    }
    return {}; // unreachable: every enumerator is in its table
}

template <typename E, std::size_t N>
QStringList names(const Names<E, N> &table)
{
    QStringList out;
    for (const auto &entry : table)
        out << QString::fromUtf16(entry.second);
    return out;
}

} // namespace

std::optional<MemberRole> parseMemberRole(QStringView text)
{
    return parse(kMemberRoles, text);
}
QString memberRoleName(MemberRole role)
{
    return format(kMemberRoles, role);
}
std::optional<ApprovalStatus> parseApprovalStatus(QStringView text)
{
    return parse(kApprovalStatuses, text);
}
QString approvalStatusName(ApprovalStatus status)
{
    return format(kApprovalStatuses, status);
}
std::optional<Connector> parseConnector(QStringView text)
{
    return parse(kConnectors, text);
}
QString connectorName(Connector connector)
{
    return format(kConnectors, connector);
}
std::optional<ScopeKind> parseScopeKind(QStringView text)
{
    return parse(kScopeKinds, text);
}
QString scopeKindName(ScopeKind kind)
{
    return format(kScopeKinds, kind);
}
std::optional<ApprovalChannel> parseApprovalChannel(QStringView text)
{
    return parse(kApprovalChannels, text);
}
QString approvalChannelName(ApprovalChannel channel)
{
    return format(kApprovalChannels, channel);
}
std::optional<ChannelType> parseChannelType(QStringView text)
{
    return parse(kChannelTypes, text);
}
QString channelTypeName(ChannelType type)
{
    return format(kChannelTypes, type);
}

template <>
QStringList allNames<MemberRole>()
{
    return names(kMemberRoles);
}
template <>
QStringList allNames<ApprovalStatus>()
{
    return names(kApprovalStatuses);
}
template <>
QStringList allNames<Connector>()
{
    return names(kConnectors);
}
template <>
QStringList allNames<ScopeKind>()
{
    return names(kScopeKinds);
}
template <>
QStringList allNames<ApprovalChannel>()
{
    return names(kApprovalChannels);
}
template <>
QStringList allNames<ChannelType>()
{
    return names(kChannelTypes);
}

} // namespace tap::api
