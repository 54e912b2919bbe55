// The typed wire contract of the admin API (common/api): every vocabulary's parse/format pair,
// and per resource the decode → encode round trip, each validation error (code, the field it
// names, the text the service has always answered), unknown and missing keys. No sockets.
// Credentials are in tst_api_wire_credentials.cpp.

#include "api/agent.h"
#include "api/channel.h"
#include "api/credential.h"
#include "api/enums.h"
#include "api/keys.h"
#include "api/member.h"
#include "api/policy.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using tap::core::ErrorCode;
namespace api = tap::api;
using Mode = api::CredentialInput::Mode;

class TestApiWire : public QObject
{
    Q_OBJECT

private slots:
    void enumsRoundTrip();
    void enumsRefuseUnknown_data();
    void enumsRefuseUnknown();

    void policyRoundTrip();
    void policyErrors_data();
    void policyErrors();
    void policyUnconfigured();

    void agentRoundTrip();
    void agentInputErrors_data();
    void agentInputErrors();
    void roleAndLinkInputs();
    void roleAndLinkErrors_data();
    void roleAndLinkErrors();

    void channelRoundTrip();
    void channelErrors_data();
    void channelErrors();

    void membersRoundTrip();
    void memberErrors_data();
    void memberErrors();
};

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

template <typename E, typename Parse, typename Format>
void checkAll(Parse parse, Format format)
{
    const QStringList names = api::allNames<E>();
    QVERIFY(!names.isEmpty());
    for (const QString &name : names) {
        const std::optional<E> value = parse(name);
        QVERIFY2(value.has_value(), qPrintable(name));
        QCOMPARE(format(*value), name);
    }
}

} // namespace

void TestApiWire::enumsRoundTrip()
{
    checkAll<api::MemberRole>(api::parseMemberRole, api::memberRoleName);
    checkAll<api::ApprovalStatus>(api::parseApprovalStatus, api::approvalStatusName);
    checkAll<api::Connector>(api::parseConnector, api::connectorName);
    checkAll<api::ScopeKind>(api::parseScopeKind, api::scopeKindName);
    checkAll<api::ApprovalChannel>(api::parseApprovalChannel, api::approvalChannelName);
    checkAll<api::ChannelType>(api::parseChannelType, api::channelTypeName);
    QCOMPARE(api::allNames<api::MemberRole>(),
             (QStringList{ u"owner"_s, u"admin"_s, u"approver"_s }));
    QCOMPARE(api::allNames<api::Connector>(), (QStringList{ u"direct"_s, u"sidecar"_s }));
    QVERIFY(api::canConfigure(api::MemberRole::Owner));
    QVERIFY(api::canConfigure(api::MemberRole::Admin));
    QVERIFY(!api::canConfigure(api::MemberRole::Approver));
}

void TestApiWire::enumsRefuseUnknown_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("empty") << QString();
    QTest::addRow("upper case") << u"Owner"_s;
    QTest::addRow("padded") << u" admin"_s;
    QTest::addRow("other word") << u"superuser"_s;
}

void TestApiWire::enumsRefuseUnknown()
{
    QFETCH(QString, text);
    QVERIFY(!api::parseMemberRole(text));
    QVERIFY(!api::parseApprovalStatus(text));
    QVERIFY(!api::parseConnector(text));
    QVERIFY(!api::parseScopeKind(text));
    QVERIFY(!api::parseApprovalChannel(text));
    QVERIFY(!api::parseChannelType(text));
}

void TestApiWire::policyRoundTrip()
{
    auto p = api::Policy::decodeInput(json(R"({"auto_approve_methods": ["get", "HEAD", "GET"],
        "require_approval_methods": ["delete"], "auto_approve_urls": ["https://a/*"],
        "allowed_approvers": ["bob@example.com"], "telegram_chat_id": -100123,
        "matrix_room_id": "!room:example.org", "approval_channel": "ops",
        "require_passkey": true})"));
    QVERIFY2(p, p ? "" : qPrintable(p.error().message()));
    QCOMPARE(p->autoApproveMethods, (QStringList{ u"GET"_s, u"HEAD"_s }));
    QCOMPARE(p->telegramChatId, u"-100123"_s);
    auto again = api::Policy::decodeInput(p->encodeInput());
    QVERIFY(again);
    QCOMPARE(again.value(), p.value());
    p->credential = u"slack"_s;
    p->updatedAt = u"2026-01-01T00:00:00Z"_s;
    const QJsonObject out = p->encode();
    QCOMPARE(out.value(u"configured"_s), QJsonValue(true));
    QCOMPARE(api::Policy::decode(out), p.value());
    // Everything is optional.
    auto empty = api::Policy::decodeInput({});
    QVERIFY(empty);
    QCOMPARE(empty.value(), api::Policy());
    QVERIFY(empty->encodeInput().value(u"telegram_chat_id"_s).isNull());
}

void TestApiWire::policyErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("mentions");
    const auto row = [](const char *name, const char *body, const char *field,
                        const char *mentions) {
        QTest::newRow(name) << QByteArray(body) << QString::fromLatin1(field)
                            << QString::fromLatin1(mentions);
    };
    row("unknown key", R"({"auto_approve_method": ["GET"]})", "", "auto_approve_method");
    row("unknown method", R"({"auto_approve_methods": ["FETCH"]})", "auto_approve_methods",
        "FETCH");
    row("methods not a list", R"({"require_approval_methods": "GET"})", "require_approval_methods",
        "list of HTTP methods");
    row("method in both",
        R"({"auto_approve_methods": ["GET"], "require_approval_methods": ["get"]})",
        "require_approval_methods", "GET cannot be both");
    row("urls not strings", R"({"auto_approve_urls": [1]})", "auto_approve_urls",
        "non-empty strings");
    row("approvers empty entry", R"({"allowed_approvers": [""]})", "allowed_approvers",
        "non-empty strings");
    row("chat id object", R"({"telegram_chat_id": {}})", "telegram_chat_id", "string or a number");
    row("chat id text", R"({"telegram_chat_id": "chat"})", "telegram_chat_id", "numeric chat id");
    row("room id", R"({"matrix_room_id": "room"})", "matrix_room_id", "room id (!");
    row("channel not a string", R"({"approval_channel": 1})", "approval_channel", "string");
    row("passkey not bool", R"({"require_passkey": 1})", "require_passkey", "true or false");
}

void TestApiWire::policyErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    QFETCH(QString, mentions);
    auto p = api::Policy::decodeInput(QJsonDocument::fromJson(body).object());
    QVERIFY(!p);
    QCOMPARE(p.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(p.error().field(), field);
    QVERIFY2(p.error().message().contains(mentions), qPrintable(p.error().message()));
}

void TestApiWire::policyUnconfigured()
{
    const QJsonObject o = api::Policy::unconfigured(u"slack"_s).encode();
    QCOMPARE(o.value(u"configured"_s), QJsonValue(false));
    QCOMPARE(o.value(u"credential"_s).toString(), u"slack"_s);
    QVERIFY(!o.contains(u"updated_at"_s));
    QVERIFY(o.value(u"message"_s).toString().contains(u"every request requires approval"_s));
    QCOMPARE(o.value(u"auto_approve_methods"_s).toArray(), QJsonArray());
}

void TestApiWire::agentRoundTrip()
{
    const api::Agent a{ u"bot"_s,
                        u"d"_s,
                        false,
                        10,
                        { u"slack"_s },
                        { u"reader"_s },
                        { u"slack"_s, u"gh"_s },
                        u"2026-01-01T00:00:00Z"_s,
                        u"2026-01-02T00:00:00Z"_s,
                        u"owner@example.com"_s,
                        { { u"slack"_s, u"team"_s }, { u"gh"_s, u"agent:bot"_s } } };
    QCOMPARE(api::Agent::decode(a.encode()), a);
    QCOMPARE(a.encode().value(u"effective_scopes"_s).toObject().value(u"gh"_s).toString(),
             u"agent:bot"_s);
    QCOMPARE(a.encode().value(u"created_by"_s).toString(), u"owner@example.com"_s);
    api::Agent unlimited = a;
    unlimited.rateLimitPerHour = -1;
    unlimited.createdBy.clear(); // unknown: null
    QVERIFY(unlimited.encode().value(u"created_by"_s).isNull());
    QVERIFY(unlimited.encode().value(u"rate_limit_per_hour"_s).isNull());
    QCOMPARE(api::Agent::decode(unlimited.encode()), unlimited);
    const api::AgentList list{ { a, unlimited } };
    QCOMPARE(api::AgentList::decode(list.encode()).items, list.items);

    auto in = api::AgentInput::decode(json(R"({"id": "bot", "credentials": ["slack", "slack"],
        "roles": ["reader"], "rate_limit_per_hour": 5})"),
                                      api::AgentInput::Mode::Create);
    QVERIFY2(in, in ? "" : qPrintable(in.error().message()));
    QCOMPARE(*in->credentials, QStringList{ u"slack"_s });
    QCOMPARE(*in->description, QString());
    auto again = api::AgentInput::decode(in->encode(), api::AgentInput::Mode::Create);
    QVERIFY(again);
    QCOMPARE(again->encode(), in->encode());
    // Update: only what was sent; null clears a list or the limit.
    auto patch = api::AgentInput::decode(json(R"({"roles": null, "rate_limit_per_hour": null})"),
                                         api::AgentInput::Mode::Update);
    QVERIFY(patch);
    QVERIFY(!patch->description && !patch->credentials);
    QCOMPARE(*patch->roles, QStringList());
    QCOMPARE(*patch->rateLimitPerHour, -1);
    const api::AgentKey key{ u"bot"_s, u"tap_x"_s };
    QCOMPARE(api::AgentKey::decode(key.encode()).apiKey, u"tap_x"_s);
    QVERIFY(key.encode().value(u"message"_s).toString().contains(u"not be shown again"_s));
}

void TestApiWire::agentInputErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("create");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("mentions");
    const auto row = [](const char *name, const char *body, bool create, const char *field,
                        const char *mentions) {
        QTest::newRow(name) << QByteArray(body) << create << QString::fromLatin1(field)
                            << QString::fromLatin1(mentions);
    };
    row("unknown key", R"({"id": "a", "colour": "blue"})", true, "", "colour");
    row("id on update", R"({"id": "a"})", false, "", "\"id\"");
    row("id missing", R"({})", true, "id", "id is required");
    row("id bad", R"({"id": "a b"})", true, "id", "id must be 1-64");
    row("description type", R"({"id": "a", "description": 1})", true, "description",
        "must be a string");
    row("credentials type", R"({"credentials": "slack"})", false, "credentials", "list of strings");
    row("credential name bad", R"({"credentials": ["bad name"]})", false, "credentials",
        "credentials must be 1-64");
    row("role name too long",
        R"({"roles": ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]})",
        false, "roles", "at most 64 characters");
    row("limit zero", R"({"rate_limit_per_hour": 0})", false, "rate_limit_per_hour",
        "positive whole number");
    row("limit fraction", R"({"rate_limit_per_hour": 1.5})", false, "rate_limit_per_hour",
        "positive whole number");
    // Several wrong fields: the first in the order tapd checks them.
    row("first error wins", R"({"description": 1, "rate_limit_per_hour": 0})", false, "description",
        "must be a string");
}

void TestApiWire::agentInputErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, create);
    QFETCH(QString, field);
    QFETCH(QString, mentions);
    auto in = api::AgentInput::decode(QJsonDocument::fromJson(body).object(),
                                      create ? api::AgentInput::Mode::Create
                                             : api::AgentInput::Mode::Update);
    QVERIFY(!in);
    QCOMPARE(in.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(in.error().field(), field);
    QVERIFY2(in.error().message().contains(mentions), qPrintable(in.error().message()));
}

void TestApiWire::roleAndLinkInputs()
{
    auto role = api::RoleInput::decode(json(R"({"name": "reader", "credentials": ["slack"]})"),
                                       api::RoleInput::Mode::Create);
    QVERIFY(role);
    QCOMPARE(api::RoleInput::decode(role->encode(), api::RoleInput::Mode::Create)->encode(),
             role->encode());
    // Replace: the path names the role; the body may repeat the name.
    auto replaced = api::RoleInput::decode(json(R"({"name": "reader"})"),
                                           api::RoleInput::Mode::Replace, u"reader"_s);
    QVERIFY(replaced);
    QCOMPARE(replaced->name, u"reader"_s);
    QCOMPARE(replaced->credentials, QStringList());
    const api::Role r{ u"reader"_s, u"d"_s, { u"slack"_s }, 3, u"2026-01-01T00:00:00Z"_s };
    QCOMPARE(api::Role::decode(r.encode()), r);
    QCOMPARE(api::RoleList::decode(api::RoleList{ { r } }.encode()).items.value(0), r);

    auto link = api::LinkInput::decode(json(R"({"agent_home_team_id": "t2", "agent_id": "bot"})"));
    QVERIFY(link);
    QCOMPARE(link->role, QString());
    QCOMPARE(api::LinkInput::decode(link->encode())->encode(), link->encode());
    const api::Link l{ u"t1"_s, u"t2"_s, u"bot"_s, {}, {}, u"2026-01-01T00:00:00Z"_s };
    QVERIFY(l.encode().value(u"role"_s).isNull());
    QVERIFY(l.encode().value(u"created_by"_s).isNull());
    QVERIFY(!l.encode().contains(u"warning"_s));
    QVERIFY(api::CreatedLink{ l }.encode().contains(u"warning"_s));
    api::Link withRole = l;
    withRole.role = u"reader"_s;
    QVERIFY(!api::CreatedLink{ withRole }.encode().contains(u"warning"_s));
    QCOMPARE(api::Link::decode(withRole.encode()), withRole);
    QCOMPARE(api::LinkList::decode(api::LinkList{ { l } }.encode()).items.value(0), l);
}

void TestApiWire::roleAndLinkErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("field");
    QTest::addRow("role unknown key")
            << QByteArray(R"({"name": "r", "colour": 1})") << u"role"_s << QString();
    QTest::addRow("role name missing") << QByteArray(R"({})") << u"role"_s << u"name"_s;
    QTest::addRow("role renamed") << QByteArray(R"({"name": "other"})") << u"replace"_s
                                  << u"name"_s;
    QTest::addRow("role credentials bad")
            << QByteArray(R"({"name": "r", "credentials": [1]})") << u"role"_s << u"credentials"_s;
    QTest::addRow("role limit bad") << QByteArray(R"({"name": "r", "rate_limit_per_hour": -3})")
                                    << u"role"_s << u"rate_limit_per_hour"_s;
    QTest::addRow("link unknown key")
            << QByteArray(R"({"agent_id": "a", "x": 1})") << u"link"_s << QString();
    QTest::addRow("link home missing")
            << QByteArray(R"({"agent_id": "a"})") << u"link"_s << u"agent_home_team_id"_s;
    QTest::addRow("link agent missing")
            << QByteArray(R"({"agent_home_team_id": "t"})") << u"link"_s << u"agent_id"_s;
    QTest::addRow("link role type")
            << QByteArray(R"({"agent_home_team_id": "t", "agent_id": "a", "role": 1})") << u"link"_s
            << u"role"_s;
}

void TestApiWire::roleAndLinkErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, kind);
    QFETCH(QString, field);
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const tap::core::Error error = kind == u"link"
            ? api::LinkInput::decode(object).error()
            : api::RoleInput::decode(object,
                                     kind == u"role" ? api::RoleInput::Mode::Create
                                                     : api::RoleInput::Mode::Replace,
                                     u"reader"_s)
                      .error();
    QCOMPARE(error.code(), ErrorCode::InvalidRequest);
    QCOMPARE(error.field(), field);
}

void TestApiWire::channelRoundTrip()
{
    auto in = api::ChannelInput::decode(json(R"({"name": "ops", "channel_type": "telegram",
        "config": {"chat_id": -100123, "bot_token": "123:abc"}})"));
    QVERIFY2(in, in ? "" : qPrintable(in.error().message()));
    QCOMPARE(in->type, api::ChannelType::Telegram);
    QCOMPARE(in->config, json(R"({"chat_id": "-100123"})")); // the token moved out
    QCOMPARE(in->botToken, u"123:abc"_s);
    auto again = api::ChannelInput::decode(in->encode());
    QVERIFY(again);
    QCOMPARE(again->encode(), in->encode());
    auto desktop = api::ChannelInput::decode(json(R"({"name": "d", "channel_type": "desktop"})"));
    QVERIFY(desktop);
    QCOMPARE(desktop->config, QJsonObject());

    const api::Channel c{ u"ops"_s, api::ChannelType::Telegram, json(R"({"chat_id": "-1"})"),
                          true,     u"2026-01-01T00:00:00Z"_s,  true };
    QCOMPARE(api::Channel::decode(c.encode()), c);
    QCOMPARE(api::ChannelList::decode(api::ChannelList{ { c } }.encode()).items.value(0), c);
    api::Channel matrix = c;
    matrix.type = api::ChannelType::Matrix;
    matrix.hasBotToken = false;
    QVERIFY(!matrix.encode().contains(u"has_bot_token"_s)); // telegram only
    QCOMPARE(api::ChannelTestSent{ u"ops"_s }.encode(),
             json(R"({"status": "sent", "name": "ops"})"));
}

void TestApiWire::channelErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("mentions");
    const auto row = [](const char *name, const char *body, const char *field,
                        const char *mentions) {
        QTest::newRow(name) << QByteArray(body) << QString::fromLatin1(field)
                            << QString::fromLatin1(mentions);
    };
    row("unknown key", R"({"name": "c", "channel_type": "desktop", "x": 1})", "", "\"x\"");
    row("name missing", R"({"channel_type": "desktop"})", "name", "name is required");
    row("type missing", R"({"name": "c"})", "channel_type", "channel_type is required");
    row("type unknown", R"({"name": "c", "channel_type": "pager"})", "channel_type",
        "one of telegram, matrix, desktop");
    row("config not object", R"({"name": "c", "channel_type": "desktop", "config": []})", "config",
        "must be an object");
    row("config key for desktop", R"({"name": "c", "channel_type": "desktop", "config": {"a": 1}})",
        "config", "unknown field");
    row("chat id bad", R"({"name": "c", "channel_type": "telegram", "config": {"chat_id": "x y"}})",
        "config.chat_id", "config.chat_id");
    row("chat id missing", R"({"name": "c", "channel_type": "telegram"})", "config.chat_id",
        "config.chat_id");
    row("bot token bad",
        R"({"name": "c", "channel_type": "telegram", "config": {"chat_id": "1", "bot_token": "a b"}})",
        "config.bot_token", "bot_token");
    row("room bad", R"({"name": "c", "channel_type": "matrix", "config": {"room_id": "room"}})",
        "config.room_id", "config.room_id");
}

void TestApiWire::channelErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    QFETCH(QString, mentions);
    auto in = api::ChannelInput::decode(QJsonDocument::fromJson(body).object());
    QVERIFY(!in);
    QCOMPARE(in.error().code(), ErrorCode::InvalidRequest);
    QCOMPARE(in.error().field(), field);
    QVERIFY2(in.error().message().contains(mentions), qPrintable(in.error().message()));
}

void TestApiWire::membersRoundTrip()
{
    auto invite = api::InviteInput::decode(json(R"({"email": " Bob@Example.COM "})"));
    QVERIFY(invite);
    QCOMPARE(invite->email, u"bob@example.com"_s);
    QCOMPARE(invite->role, api::MemberRole::Approver); // the default
    QCOMPARE(api::InviteInput::decode(invite->encode())->encode(), invite->encode());
    auto change = api::MemberRoleInput::decode(json(R"({"role": "admin"})"));
    QVERIFY(change);
    QCOMPARE(change->role, api::MemberRole::Admin);
    QCOMPARE(change->encode(), json(R"({"role": "admin"})"));

    const api::MemberList list{ { { u"u1"_s, u"a@example.com"_s, api::MemberRole::Owner, true,
                                    u"2026-01-01T00:00:00Z"_s } },
                                { { u"i1"_s, u"b@example.com"_s, api::MemberRole::Admin,
                                    u"2026-01-08T00:00:00Z"_s } } };
    const api::MemberList back = api::MemberList::decode(list.encode());
    QCOMPARE(back.members, list.members);
    QCOMPARE(back.pendingInvites, list.pendingInvites);
    const api::Team team{ u"t1"_s, u"my-team"_s, u"2026-01-01T00:00:00Z"_s,
                          api::MemberRole::Admin };
    QCOMPARE(team.encode().value(u"your_role"_s).toString(), u"admin"_s);
    QCOMPARE(api::Team::decode(team.encode()).yourRole, api::MemberRole::Admin);
    // An unknown role reads as the least privileged one.
    QCOMPARE(api::Member::decode(json(R"({"role": "root"})")).role, api::MemberRole::Approver);
}

void TestApiWire::memberErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("invite");
    QTest::addColumn<QString>("field");
    QTest::addRow("invite unknown key")
            << QByteArray(R"({"email": "a@example.com", "x": 1})") << true << QString();
    QTest::addRow("invite email missing") << QByteArray(R"({})") << true << u"email"_s;
    QTest::addRow("invite email bad") << QByteArray(R"({"email": "nope"})") << true << u"email"_s;
    QTest::addRow("invite role unknown")
            << QByteArray(R"({"email": "a@example.com", "role": "superuser"})") << true
            << u"role"_s;
    QTest::addRow("change role missing") << QByteArray(R"({})") << false << u"role"_s;
    QTest::addRow("change role unknown")
            << QByteArray(R"({"role": "Owner"})") << false << u"role"_s;
    QTest::addRow("change unknown key")
            << QByteArray(R"({"role": "admin", "email": "x"})") << false << QString();
}

void TestApiWire::memberErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, invite);
    QFETCH(QString, field);
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const tap::core::Error error = invite ? api::InviteInput::decode(object).error()
                                          : api::MemberRoleInput::decode(object).error();
    QCOMPARE(error.code(), ErrorCode::InvalidRequest);
    QCOMPARE(error.field(), field);
    if (field == u"role")
        QVERIFY2(error.message() == u"role must be one of owner, admin, approver."_s
                         || error.message() == u"role is required."_s,
                 qPrintable(error.message()));
}

QTEST_APPLESS_MAIN(TestApiWire)
#include "tst_api_wire.moc"
