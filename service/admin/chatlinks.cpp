#include "admin/chatlinks.h"

#include "core/logging.h"
#include "crypto/keyring.h"

#include <QRegularExpression>

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using Network = store::ChatStore::Network;
using Redeemed = store::ChatStore::Redeemed;

namespace {

// No 0/O, 1/I: codes are read off a screen and typed.
constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
static_assert(sizeof(kAlphabet) - 1 == 32);

QString networkName(Network network)
{
    switch (network) {
    case Network::Telegram:
        return QStringLiteral("telegram");
    case Network::Matrix:
        return QStringLiteral("matrix");
    }
    Q_UNREACHABLE();
    return {};
}

} // namespace

bool ChatLinkService::isCodeShaped(const QString &text)
{
    static const QRegularExpression re(
            QStringLiteral("^[A-HJ-NP-Za-hj-np-z2-9]{%1}$").arg(kCodeLength));
    return re.match(text).hasMatch();
}

core::Result<api::ChatLinkCode> ChatLinkService::create(const Actor &actor, const QString &userId)
{
    if (userId != actor.userId) {
        if (auto r = actor.requireConfigure(); !r)
            return r.error();
    }
    auto member = m_ctx.accounts.member(actor.teamId, userId);
    if (!member)
        return member.error();
    if (!member.value())
        return Error(ErrorCode::NotFound, QStringLiteral("No such member in this team."));
    const QByteArray random = m_ctx.random.bytes(kCodeLength);
    QString code;
    for (const char b : random)
        code += QLatin1Char(kAlphabet[quint8(b) % 32]);
    const qint64 now = m_ctx.clock.nowMs();
    const qint64 expiresAt = now + kCodeLifetimeMs;
    if (auto r = store::ChatStore(m_ctx.db).putLinkCode(m_ctx.keys.tokenHash(code.toUtf8()),
                                                        actor.teamId, userId, expiresAt, now);
        !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("member.chat_link_code"), member.value()->email);
    return api::ChatLinkCode{ code, core::toRfc3339(expiresAt),
                              api::ChatLinkCode::instructions(code, kCodeLifetimeMs / 60000) };
}

QString ChatLinkService::redeem(Network network, const QString &code, const QString &senderId)
{
    const QString again = QStringLiteral("Ask for a new code in the TAP console (Members).");
    if (!isCodeShaped(code) || senderId.isEmpty())
        return QStringLiteral("That is not a TAP link code. ") + again;
    auto r = store::ChatStore(m_ctx.db).redeemLinkCode(
            m_ctx.keys.tokenHash(code.toUpper().toUtf8()), network, senderId, m_ctx.clock.nowMs());
    if (!r) {
        core::logEvent(core::lcApp(), QtWarningMsg, QStringLiteral("chat link failed"),
                       { { QStringLiteral("error"), r.error().message() } });
        return QStringLiteral("Linking failed; please try again.");
    }
    switch (r->outcome) {
    case Redeemed::Unknown:
        return QStringLiteral("This link code is not valid: it is wrong or was already used. ")
                + again;
    case Redeemed::Expired:
        return QStringLiteral("This link code has expired. ") + again;
    case Redeemed::Linked:
        break;
    }
    const Actor member(r->userId, r->teamId, r->email, QString(), networkName(network));
    m_ctx.recordChange(member, QStringLiteral("member.chat_linked"), r->email,
                       { { QStringLiteral("network"), networkName(network) },
                         { QStringLiteral("chat_user_id"), senderId } });
    auto team = store::ChatStore(m_ctx.db).teamName(r->teamId);
    return QStringLiteral("Linked: you now decide on TAP approvals of the team \"%1\" as %2.")
            .arg(team ? team.value() : r->teamId, r->email);
}

} // namespace tap::admin
