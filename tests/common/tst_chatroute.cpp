// approvals::routeApproval: which Telegram chat (and bot) or Matrix room a parked request's
// approval message goes to, from policies, the team's channels and the global settings.
#include "approvals/chatroute.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::approvals;

Q_DECLARE_METATYPE(ChatNetwork)
Q_DECLARE_METATYPE(RouteFacts)
Q_DECLARE_METATYPE(std::optional<ChatRoute>)

namespace {

ChannelFacts channel(const QString &name, const QString &type, bool enabled, const QString &chat,
                     bool secret = false)
{
    return { name, type, enabled, secret, chat };
}

PolicyChatFacts telegramPolicy(const QString &chat, const QString &channel = {})
{
    return { chat, {}, channel };
}

PolicyChatFacts matrixPolicy(const QString &room, const QString &channel = {})
{
    return { {}, room, channel };
}

std::optional<ChatRoute> to(const QString &chat, const QString &bot = {})
{
    return ChatRoute{ chat, bot };
}

const std::optional<ChatRoute> nowhere = std::nullopt;

} // namespace

class TestChatRoute : public QObject
{
    Q_OBJECT

private slots:
    void route_data();
    void route();
};

void TestChatRoute::route_data()
{
    QTest::addColumn<ChatNetwork>("network");
    QTest::addColumn<RouteFacts>("facts");
    QTest::addColumn<std::optional<ChatRoute>>("expected");
    const auto T = ChatNetwork::Telegram;
    const auto M = ChatNetwork::Matrix;
    const ChannelFacts tgOwnBot = channel(u"ops"_s, u"telegram"_s, true, u"-1002"_s, true);
    const ChannelFacts tgGlobal = channel(u"tg"_s, u"telegram"_s, true, u"-1001"_s);
    const ChannelFacts tgOff = channel(u"tg-off"_s, u"telegram"_s, false, u"-1009"_s, true);
    const ChannelFacts mx = channel(u"mx"_s, u"matrix"_s, true, u"!room:x"_s);
    const ChannelFacts mxOff = channel(u"mx-off"_s, u"matrix"_s, false, u"!off:x"_s);
    const ChannelFacts mail = channel(u"mail"_s, u"email"_s, true, {});

    // --- Telegram
    QTest::addRow("tg: nothing configured") << T << RouteFacts{} << nowhere;
    QTest::addRow("tg: default chat, global bot")
            << T << RouteFacts{ {}, {}, u"-100999"_s, true } << to(u"-100999"_s);
    QTest::addRow("tg: default chat, no bot")
            << T << RouteFacts{ {}, {}, u"-100999"_s, false } << nowhere;
    QTest::addRow("tg: policy chat wins over channel and default")
            << T << RouteFacts{ { telegramPolicy(u"-100777"_s) }, { tgGlobal }, u"-9"_s, true }
            << to(u"-100777"_s);
    QTest::addRow("tg: first non-empty policy chat")
            << T
            << RouteFacts{ { telegramPolicy({}), telegramPolicy(u"-2"_s), telegramPolicy(u"-3"_s) },
                           {},
                           {},
                           true }
            << to(u"-2"_s);
    QTest::addRow("tg: first enabled telegram channel")
            << T << RouteFacts{ {}, { mail, tgOff, mx, tgGlobal }, u"-9"_s, true }
            << to(u"-1001"_s);
    QTest::addRow("tg: channel with own bot")
            << T << RouteFacts{ {}, { tgOwnBot }, {}, false } << to(u"-1002"_s, u"ops"_s);
    QTest::addRow("tg: policy chat + own-bot channel, global bot: global")
            << T << RouteFacts{ { telegramPolicy(u"-5"_s) }, { tgOwnBot }, {}, true }
            << to(u"-5"_s);
    QTest::addRow("tg: policy chat + own-bot channel, no global bot: channel's bot")
            << T << RouteFacts{ { telegramPolicy(u"-5"_s) }, { tgOwnBot }, {}, false }
            << to(u"-5"_s, u"ops"_s);
    QTest::addRow("tg: policy chat + named own-bot channel: channel's bot")
            << T
            << RouteFacts{ { telegramPolicy(u"-5"_s, u"ops"_s) }, { tgGlobal, tgOwnBot }, {}, true }
            << to(u"-5"_s, u"ops"_s);
    QTest::addRow("tg: approval_channel by name")
            << T << RouteFacts{ { telegramPolicy({}, u"ops"_s) }, { tgGlobal, tgOwnBot }, {}, true }
            << to(u"-1002"_s, u"ops"_s);
    QTest::addRow("tg: approval_channel names matrix")
            << T
            << RouteFacts{ { telegramPolicy(u"-5"_s, u"mx"_s) }, { tgGlobal, mx }, u"-9"_s, true }
            << nowhere;
    QTest::addRow("tg: approval_channel disabled")
            << T
            << RouteFacts{ { telegramPolicy({}, u"tg-off"_s) }, { tgOff, tgGlobal }, u"-9"_s, true }
            << nowhere;
    QTest::addRow("tg: approval_channel missing")
            << T << RouteFacts{ { telegramPolicy({}, u"gone"_s) }, { tgGlobal }, u"-9"_s, true }
            << nowhere;
    QTest::addRow("tg: first non-empty approval_channel")
            << T
            << RouteFacts{ { telegramPolicy({}), telegramPolicy({}, u"tg"_s),
                             telegramPolicy({}, u"mx"_s) },
                           { mx, tgGlobal },
                           {},
                           true }
            << to(u"-1001"_s);
    QTest::addRow("tg: channel without chat falls back to default")
            << T << RouteFacts{ {}, { channel(u"c"_s, u"telegram"_s, true, {}) }, u"-9"_s, true }
            << to(u"-9"_s);
    QTest::addRow("tg: matrix policy room is no telegram chat")
            << T << RouteFacts{ { matrixPolicy(u"!r:x"_s) }, {}, {}, true } << nowhere;

    // --- Matrix
    QTest::addRow("mx: nothing configured") << M << RouteFacts{ {}, {}, u"-9"_s, true } << nowhere;
    QTest::addRow("mx: policy room")
            << M << RouteFacts{ { matrixPolicy(u"!p:x"_s) }, {}, {}, false } << to(u"!p:x"_s);
    QTest::addRow("mx: policy room wins over channel")
            << M << RouteFacts{ { matrixPolicy(u"!p:x"_s) }, { mx }, {}, false } << to(u"!p:x"_s);
    QTest::addRow("mx: first enabled matrix channel")
            << M << RouteFacts{ {}, { tgGlobal, mxOff, mx }, {}, true } << to(u"!room:x"_s);
    QTest::addRow("mx: alias room kept as is")
            << M << RouteFacts{ { matrixPolicy(u"#approvals:x"_s) }, {}, {}, false }
            << to(u"#approvals:x"_s);
    QTest::addRow("mx: approval_channel names telegram")
            << M << RouteFacts{ { matrixPolicy(u"!p:x"_s, u"tg"_s) }, { tgGlobal, mx }, {}, true }
            << nowhere;
    QTest::addRow("mx: approval_channel disabled")
            << M << RouteFacts{ { matrixPolicy({}, u"mx-off"_s) }, { mxOff, mx }, {}, false }
            << nowhere;
    QTest::addRow("mx: approval_channel missing")
            << M << RouteFacts{ { matrixPolicy(u"!p:x"_s, u"gone"_s) }, { mx }, {}, false }
            << nowhere;
    QTest::addRow("mx: approval_channel with policy room")
            << M << RouteFacts{ { matrixPolicy(u"!p:x"_s, u"mx"_s) }, { mx }, {}, false }
            << to(u"!p:x"_s);
    QTest::addRow("mx: no default room")
            << M << RouteFacts{ {}, { mail }, u"-9"_s, true } << nowhere;
    QTest::addRow("mx: channel without room")
            << M << RouteFacts{ {}, { channel(u"m"_s, u"matrix"_s, true, {}) }, {}, false }
            << nowhere;
    QTest::addRow("mx: telegram policy chat is no room")
            << M << RouteFacts{ { telegramPolicy(u"-5"_s) }, {}, {}, true } << nowhere;
}

void TestChatRoute::route()
{
    QFETCH(ChatNetwork, network);
    QFETCH(RouteFacts, facts);
    QFETCH(std::optional<ChatRoute>, expected);
    const std::optional<ChatRoute> got = routeApproval(network, facts);
    QCOMPARE(got.has_value(), expected.has_value());
    if (got) {
        QCOMPARE(got->chat, expected->chat);
        QCOMPARE(got->botChannel, expected->botChannel);
    }
}

QTEST_APPLESS_MAIN(TestChatRoute)
#include "tst_chatroute.moc"
