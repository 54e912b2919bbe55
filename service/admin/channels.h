#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "api/channel.h"
#include "api/deleted.h"
#include "core/secretbytes.h"

#include <functional>

class QObject;

namespace tap::admin {

// Delivers a channel's test message (Telegram Bot API, Matrix client-server API). Implemented
// in service/channels; an interface here so the admin logic stays free of network code.
class ChannelTester
{
public:
    virtual ~ChannelTester() = default;
    // `done` may run on any thread.
    virtual void sendTest(const QString &type, const QJsonObject &config,
                          const core::SecretBytes &secret, const QString &text,
                          std::function<void(core::Result<void>)> done) = 0;
};

// Notification channels (wire type: api/channel.h): telegram (chat id,
// optional bot token override stored sealed), matrix (room id), desktop (console notifications).
class ChannelService
{
public:
    ChannelService(Context &context, ChannelTester &tester) : m_ctx(context), m_tester(tester) { }

    using TestCallback = std::function<void(core::Result<api::ChannelTestSent>)>;

    core::Result<api::ChannelList> list(const Actor &actor);
    core::Result<api::Channel> create(const Actor &actor, const api::ChannelInput &input);
    core::Result<api::Deleted> remove(const Actor &actor, const QString &name);
    // `done` may run on any thread.
    void test(const Actor &actor, const QString &name, TestCallback done);

    static api::Channel toWire(const store::ChannelRow &row);

private:
    Context &m_ctx;
    ChannelTester &m_tester;
};

} // namespace tap::admin
