// The wire side of multi-scope credentials (README "Credential scopes"): scope_kind / scope_id in bodies
// and answers, the query parameters that address a row, and what is refused.
#include "api/credential.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
namespace api = tap::api;
using Mode = api::CredentialInput::Mode;

class TestApiWireScopes : public QObject
{
    Q_OBJECT

private slots:
    void make_data();
    void make();
    void query();
    void inputScope();
    void filter();
};

void TestApiWireScopes::make_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("errorField"); // empty: accepted
    QTest::addRow("team") << u"team"_s << QString() << QString();
    QTest::addRow("team with id") << u"team"_s << u"x"_s << u"scope_id"_s;
    QTest::addRow("role") << u"role"_s << u"cfo"_s << QString();
    QTest::addRow("role without id") << u"role"_s << QString() << u"scope_id"_s;
    QTest::addRow("role with slash") << u"role"_s << u"a/b"_s << u"scope_id"_s;
    QTest::addRow("agent") << u"agent"_s << u"bot"_s << QString();
    QTest::addRow("linked agent") << u"agent"_s << u"team-1/bot"_s << QString();
    QTest::addRow("agent, two slashes") << u"agent"_s << u"a/b/c"_s << u"scope_id"_s;
    QTest::addRow("agent, empty part") << u"agent"_s << u"/bot"_s << u"scope_id"_s;
    QTest::addRow("agent, bad name") << u"agent"_s << u"bot bot"_s << u"scope_id"_s;
    QTest::addRow("entity") << u"entity"_s << u"e1"_s << u"scope_kind"_s;
    QTest::addRow("case") << u"Agent"_s << u"bot"_s << u"scope_kind"_s;
}

void TestApiWireScopes::make()
{
    QFETCH(QString, kind);
    QFETCH(QString, id);
    QFETCH(QString, errorField);
    const auto scope = api::CredentialScope::make(kind, id);
    QCOMPARE(scope.ok(), errorField.isEmpty());
    if (!scope)
        QCOMPARE(scope.error().field(), errorField);
    else
        QCOMPARE(api::scopeKindName(scope->kind), kind);
}

void TestApiWireScopes::query()
{
    const api::CredentialScope linked{ api::ScopeKind::Agent, u"team-1/bot"_s };
    const auto back = api::CredentialScope::fromQuery(linked.toQuery());
    QVERIFY(back);
    QCOMPARE(back.value(), linked);
    QVERIFY(api::CredentialScope().toQuery().isEmpty());
    const auto none = api::CredentialScope::fromQuery(QUrlQuery());
    QVERIFY(none);
    QCOMPARE(none->kind, api::ScopeKind::Team);
    QVERIFY(!api::CredentialScope::fromQuery(QUrlQuery(u"scope_kind=role"_s)));
    QVERIFY(!api::CredentialScope::fromQuery(QUrlQuery(u"scope=role&scope_id=x"_s)));
}

void TestApiWireScopes::inputScope()
{
    QJsonObject body{ { u"name"_s, u"gmail"_s },
                      { u"description"_s, u"d"_s },
                      { u"scope_kind"_s, u"agent"_s },
                      { u"scope_id"_s, u"bot"_s } };
    auto in = api::CredentialInput::decode(body, Mode::Create);
    QVERIFY(in);
    QCOMPARE(in->scope, (api::CredentialScope{ api::ScopeKind::Agent, u"bot"_s }));
    QCOMPARE(in->encode().value(u"scope_id"_s).toString(), u"bot"_s);
    api::Credential c;
    QVERIFY(in->applyTo(c, Mode::Create));
    QCOMPARE(c.scope.id, u"bot"_s);
    // Without scope keys: no scope (the team row).
    QVERIFY(!api::CredentialInput::decode({ { u"name"_s, u"a"_s }, { u"description"_s, u"d"_s } },
                                          Mode::Create)
                     ->scope);
    // PATCH: the row's own scope may be repeated, never changed.
    const api::CredentialScope row{ api::ScopeKind::Agent, u"bot"_s };
    QJsonObject same{ { u"scope_kind"_s, u"agent"_s }, { u"scope_id"_s, u"bot"_s } };
    QVERIFY(api::CredentialInput::decode(same, Mode::Update, u"gmail"_s, row));
    auto moved = api::CredentialInput::decode(same, Mode::Update, u"gmail"_s);
    QVERIFY(!moved);
    QCOMPARE(moved.error().field(), u"scope_kind"_s);
    QVERIFY(api::CredentialInput::decode(
            { { u"scope_kind"_s, u"team"_s }, { u"scope_id"_s, QJsonValue() } }, Mode::Update,
            u"gmail"_s));
    QJsonObject wrongType = body;
    wrongType.insert(u"scope_id"_s, 5);
    QCOMPARE(api::CredentialInput::decode(wrongType, Mode::Create).error().field(), u"scope_id"_s);
}

void TestApiWireScopes::filter()
{
    auto f = api::CredentialFilter::fromQuery(QUrlQuery(u"scope_kind=role&scope_id=cfo"_s));
    QVERIFY(f);
    QCOMPARE(f->kind, std::optional(api::ScopeKind::Role));
    QCOMPARE(f->id, std::optional(u"cfo"_s));
    QCOMPARE(f->toQuery().toString(), u"scope_kind=role&scope_id=cfo"_s);
    QVERIFY(!api::CredentialFilter::fromQuery(QUrlQuery(u"scope_kind=entity"_s)));
    QVERIFY(!api::CredentialFilter::fromQuery(QUrlQuery(u"limit=3"_s)));
    QVERIFY(api::CredentialFilter::fromQuery(QUrlQuery())->toQuery().isEmpty());
}

QTEST_APPLESS_MAIN(TestApiWireScopes)
#include "tst_api_wire_scopes.moc"
