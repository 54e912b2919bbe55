#include "admin/channels.h"

#include "api/keys.h"
#include "crypto/keyring.h"
#include "store/vault.h"

namespace tap::admin {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

QByteArray secretAad(const QString &teamId, const QString &name)
{
    return crypto::KeyRing::rowAad("tap:channel-secret:v1", teamId, name);
}

Error noChannel(const QString &name)
{
    return Error(ErrorCode::NotFound,
                 QStringLiteral("No notification channel named \"%1\".").arg(name));
}

} // namespace

api::Channel ChannelService::toWire(const store::ChannelRow &c)
{
    return { c.name,
             api::parseChannelType(c.type).value_or(api::ChannelType::Desktop),
             c.config,
             c.enabled,
             core::toRfc3339(c.createdAt),
             c.hasSecret };
}

Result<api::ChannelList> ChannelService::list(const Actor &actor)
{
    auto rows = m_ctx.channels.list(actor.teamId);
    if (!rows)
        return rows.error();
    api::ChannelList out;
    for (const store::ChannelRow &c : rows.value())
        out.items << toWire(c);
    return out;
}

Result<api::Channel> ChannelService::create(const Actor &actor, const api::ChannelInput &input)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    QByteArray sealed;
    if (!input.botToken.isEmpty()) {
        auto s = m_ctx.vault.seal(actor.teamId, secretAad(actor.teamId, input.name),
                                  core::SecretBytes(input.botToken.toUtf8()));
        if (!s)
            return s.error();
        sealed = s.value();
    }
    store::ChannelRow row{ input.name,   api::channelTypeName(input.type),
                           input.config, !sealed.isEmpty(),
                           true,         m_ctx.clock.nowMs() };
    if (auto r = m_ctx.channels.create(actor.teamId, row, sealed); !r)
        return r.error();
    m_ctx.recordChange(actor, QStringLiteral("channel.create"), row.name,
                       { { api::key::kChannelType, row.type }, { api::key::kConfig, row.config } });
    return toWire(row);
}

Result<api::Deleted> ChannelService::remove(const Actor &actor, const QString &name)
{
    if (auto r = actor.requireConfigure(); !r)
        return r.error();
    return m_ctx.recordRemoval(actor, m_ctx.channels.remove(actor.teamId, name), noChannel(name),
                               QStringLiteral("channel.delete"), name,
                               api::Deleted{ api::key::kName, name, {} });
}

void ChannelService::test(const Actor &actor, const QString &name, TestCallback done)
{
    if (auto r = actor.requireConfigure(); !r)
        return done(r.error());
    auto row = m_ctx.channels.get(actor.teamId, name);
    if (!row)
        return done(row.error());
    if (!row.value())
        return done(noChannel(name));
    core::SecretBytes secret;
    if (row.value()->hasSecret) {
        auto sealed = m_ctx.channels.sealedSecret(actor.teamId, name);
        if (!sealed)
            return done(sealed.error());
        auto opened = m_ctx.vault.open(actor.teamId, secretAad(actor.teamId, name), sealed.value());
        if (!opened)
            return done(Error(ErrorCode::Internal,
                              QStringLiteral("The channel's bot token cannot be decrypted.")));
        secret = opened.value();
    }
    const QString text = QStringLiteral("TAP test message for channel \"%1\", sent by %2.")
                                 .arg(name, actor.email);
    m_ctx.recordChange(actor, QStringLiteral("channel.test"), name);
    m_tester.sendTest(row.value()->type, row.value()->config, secret, text,
                      [name, done](Result<void> sent) {
                          if (!sent)
                              return done(sent.error());
                          done(api::ChannelTestSent{ name });
                      });
}

} // namespace tap::admin
