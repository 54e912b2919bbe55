#pragma once

#include "admin/actor.h"
#include "admin/context.h"
#include "admin/reply.h"
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

// Notification channels (seed configuration.txt "Notification Channels"): telegram (chat id,
// optional bot token override stored sealed), matrix (room id), desktop (console notifications).
class ChannelService
{
public:
    ChannelService(Context &context, ChannelTester &tester) : m_ctx(context), m_tester(tester) { }

    Outcome list(const Actor &actor);
    Outcome create(const Actor &actor, const QJsonObject &body);
    Outcome remove(const Actor &actor, const QString &name);
    void test(const Actor &actor, const QString &name, OutcomeCallback done);

    static QJsonObject toJson(const store::ChannelRow &row);

private:
    Context &m_ctx;
    ChannelTester &m_tester;
};

} // namespace tap::admin
