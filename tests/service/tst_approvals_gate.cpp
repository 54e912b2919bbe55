// The two seams between forwarding and approval, without sockets: ApprovalService as the
// forwarder's ApprovalGate (park, announce, approval URL; the reviewed request sealed to its
// row) and its use of an ApprovedSender (a fake here) for what a human approved. Both backends.
#include "approvals/approvalservice.h"
#include "approvals/hub.h"
#include "core/random.h"
#include "crypto/keyring.h"
#include "forward/auditsink.h"
#include "forward/reviewedrequest.h"
#include "store/accountstore.h"
#include "store/agentstore.h"
#include "store/credentialstore.h"
#include "store/vault.h"
#include "support/databasefixture.h"
#include "support/fakeclock.h"

#include <QTest>

using namespace tap;

namespace {

class FakeSender final : public forward::ApprovedSender
{
public:
    QList<store::ApprovalRow> sent;
    std::function<void(const store::ApprovalRow &)> done;
    void sendApproved(const store::ApprovalRow &row,
                      std::function<void(const store::ApprovalRow &)> finished) override
    {
        sent.append(row);
        done = std::move(finished);
    }
};

class Observer final : public approvals::ApprovalObserver
{
public:
    QStringList events;
    void approvalCreated(const store::ApprovalRow &row) override
    {
        events << QStringLiteral("created ") + row.status;
    }
    void approvalChanged(const store::ApprovalRow &row) override
    {
        events << QStringLiteral("changed ") + row.status;
    }
};

const QString kTeam = QStringLiteral("team-a");

} // namespace

class TestApprovalsGate : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { test::addBackendRows(); }
    void init();
    void cleanup();
    void parkSealsTheReviewedRequest();
    void sealedRequestIsBoundToItsRow();
    void decisionGoesThroughTheSender_data();
    void decisionGoesThroughTheSender();
    void approvalUrlIsBuiltOnce();
    void memberMatchedByLinkedChatIds_data();
    void memberMatchedByLinkedChatIds();

private:
    store::ApprovalRow parkOne(const forward::ReviewedRequest &request);

    core::SystemRandom m_random;
    test::FakeClock m_clock;
    std::shared_ptr<store::Database> m_db;
    std::unique_ptr<crypto::KeyRing> m_keys;
    std::unique_ptr<store::Vault> m_vault;
    std::unique_ptr<forward::AuditSink> m_audit;
    std::unique_ptr<approvals::ApprovalHub> m_hub;
    FakeSender m_sender;
    Observer m_observer;
    std::unique_ptr<approvals::ApprovalService> m_service;
};

void TestApprovalsGate::init()
{
    m_db = test::migratedDatabase();
    QVERIFY(m_db);
    m_keys = std::make_unique<crypto::KeyRing>(core::SecretBytes::adopt(m_random.bytes(32)));
    m_vault = std::make_unique<store::Vault>(*m_db, *m_keys, m_random);
    QVERIFY(m_vault->checkMasterKey());
    auto dek = m_vault->newWrappedTeamKey(kTeam);
    QVERIFY(dek);
    QVERIFY(m_db->exec(QStringLiteral("INSERT INTO teams (id, name, wrapped_dek, created_at) "
                                      "VALUES (?, 'Team A', ?, 1)"),
                       { kTeam, dek.value() }));
    store::AgentRow agent;
    agent.teamId = kTeam;
    agent.id = QStringLiteral("agent-1");
    agent.instanceId = QStringLiteral("instance-1");
    QVERIFY(store::AgentStore(*m_db).createAgent(agent, QStringLiteral("hash-1")));
    m_audit = std::make_unique<forward::AuditSink>(*m_db, QString());
    m_hub = std::make_unique<approvals::ApprovalHub>(*m_db, m_clock);
    approvals::ApprovalService::Settings settings;
    settings.publicUrl = QUrl(QStringLiteral("https://tap.example/base"));
    settings.instanceId = QStringLiteral("tapd-1");
    settings.approvalTimeoutS = 600;
    m_sender = {};
    m_observer.events.clear();
    m_service = std::make_unique<approvals::ApprovalService>(*m_db, *m_vault, m_clock, m_random,
                                                             m_sender, *m_audit, *m_hub, settings);
    m_service->addObserver(&m_observer);
}

void TestApprovalsGate::cleanup()
{
    m_service.reset();
    m_hub.reset();
    m_audit.reset();
    m_vault.reset();
    if (m_db)
        m_db->closeThreadConnection();
    m_db.reset();
}

store::ApprovalRow TestApprovalsGate::parkOne(const forward::ReviewedRequest &request)
{
    store::ApprovalRow row;
    row.teamId = kTeam;
    row.agentHomeTeamId = kTeam;
    row.agentId = QStringLiteral("agent-1");
    row.agentInstanceId = QStringLiteral("instance-1");
    row.credentialName = QStringLiteral("api");
    row.requestId = QStringLiteral("req-1");
    row.method = QString::fromLatin1(request.method);
    row.target = request.target;
    auto parked = m_service->park(row, request);
    if (!parked)
        qWarning() << parked.error().message();
    return parked ? parked.value() : store::ApprovalRow();
}

void TestApprovalsGate::parkSealsTheReviewedRequest()
{
    const forward::ReviewedRequest request{ QByteArrayLiteral("POST"),
                                            QStringLiteral("https://api.example/v1/things"),
                                            QString(),
                                            QStringLiteral("api"),
                                            { { QByteArrayLiteral("Content-Type"),
                                                QByteArrayLiteral("application/octet-stream") } },
                                            QByteArray("\x00\xff binary \r\n", 12) };
    const store::ApprovalRow row = parkOne(request);
    QVERIFY(!row.id.isEmpty());
    QCOMPARE(row.status, QStringLiteral("pending"));
    QCOMPARE(row.expiresAt, m_clock.nowMs() + 600 * 1000);
    QVERIFY(m_observer.events.isEmpty()); // approvers hear of it only when announced

    auto stored = store::ApprovalStore(*m_db).get(row.id);
    QVERIFY(stored && stored.value());
    QVERIFY(!stored.value()->sealedRequest.contains("binary"));
    auto opened = forward::openReviewedRequest(*m_vault, *stored.value());
    QVERIFY(opened);
    QCOMPARE(opened->method, request.method);
    QCOMPARE(opened->target, request.target);
    QCOMPARE(opened->credentialHeader, request.credentialHeader);
    QCOMPARE(opened->headers, request.headers);
    QCOMPARE(opened->body, request.body);

    m_service->announce(row);
    QCOMPARE(m_observer.events, QStringList{ QStringLiteral("created pending") });
}

void TestApprovalsGate::sealedRequestIsBoundToItsRow()
{
    const store::ApprovalRow row = parkOne(
            { QByteArrayLiteral("GET"), QStringLiteral("https://api.example/"), {}, {}, {}, {} });
    store::ApprovalRow moved = row;
    moved.id = QStringLiteral("another-row");
    QVERIFY(!forward::openReviewedRequest(*m_vault, moved));
    QVERIFY(forward::openReviewedRequest(*m_vault, row));
}

void TestApprovalsGate::decisionGoesThroughTheSender_data()
{
    QTest::addColumn<bool>("approve");
    QTest::addRow("approved: sent once") << true;
    QTest::addRow("denied: never sent") << false;
}

void TestApprovalsGate::decisionGoesThroughTheSender()
{
    QFETCH(bool, approve);
    const store::ApprovalRow row = parkOne({ QByteArrayLiteral("DELETE"),
                                             QStringLiteral("https://api.example/x"),
                                             {},
                                             {},
                                             {},
                                             {} });
    approvals::Approver who;
    who.via = QStringLiteral("admin");
    who.teamId = kTeam;
    who.email = QStringLiteral("owner@example.org");
    auto decided = m_service->decide(row.id, approve, who);
    QVERIFY2(decided, qPrintable(test::errorText(decided)));
    if (!approve) {
        QVERIFY(m_sender.sent.isEmpty());
        QCOMPARE(m_observer.events, QStringList{ QStringLiteral("changed denied") });
        return;
    }
    QCOMPARE(m_sender.sent.size(), 1);
    const store::ApprovalRow &sent = m_sender.sent.first();
    QCOMPARE(sent.id, row.id);
    QCOMPARE(sent.status, QStringLiteral("approved"));
    QCOMPARE(sent.claimedBy, QStringLiteral("tapd-1"));
    QCOMPARE(sent.decidedBy, who.email);
    QVERIFY(!sent.sealedRequest.isEmpty()); // the sender opens what was reviewed
    // A second decision cannot send it again.
    QVERIFY(!m_service->decide(row.id, true, who));
    QCOMPARE(m_sender.sent.size(), 1);
    // The sender's outcome is announced.
    store::ApprovalRow after = sent;
    after.status = QStringLiteral("forwarded");
    m_sender.done(after);
    QCOMPARE(m_observer.events,
             (QStringList{ QStringLiteral("changed approved"),
                           QStringLiteral("changed forwarded") }));
}

void TestApprovalsGate::approvalUrlIsBuiltOnce()
{
    const store::ApprovalRow row = parkOne(
            { QByteArrayLiteral("GET"), QStringLiteral("https://api.example/"), {}, {}, {}, {} });
    const forward::ApprovalGate &gate = *m_service;
    QCOMPARE(gate.approvalUrl(row.id),
             QStringLiteral("https://tap.example/base/approve/") + row.id);
    QCOMPARE(m_service->view(row, false).value(QStringLiteral("approval_url")).toString(),
             gate.approvalUrl(row.id));
}

// allowed_approvers may name a member by a chat id they linked (users.telegram_user_id,
// users.matrix_user_id), read through the account store.
void TestApprovalsGate::memberMatchedByLinkedChatIds_data()
{
    QTest::addColumn<QString>("allowed");
    QTest::addColumn<bool>("may");
    QTest::addRow("telegram id linked") << QStringLiteral("424242") << true;
    QTest::addRow("matrix id linked") << QStringLiteral("@carol:example.org") << true;
    QTest::addRow("email") << QStringLiteral("Carol@Example.org") << true;
    QTest::addRow("someone else's telegram id") << QStringLiteral("777") << false;
}

void TestApprovalsGate::memberMatchedByLinkedChatIds()
{
    QFETCH(QString, allowed);
    QFETCH(bool, may);
    store::UserRow user;
    user.id = QStringLiteral("user-carol");
    user.email = QStringLiteral("carol@example.org");
    user.passwordHash = QStringLiteral("x");
    user.createdAt = 1;
    QVERIFY(store::AccountStore(*m_db, *m_vault).createUser(user));
    QVERIFY(m_db->exec(QStringLiteral("UPDATE users SET telegram_user_id = '424242', "
                                      "matrix_user_id = '@carol:example.org' WHERE id = ?"),
                       { user.id }));
    store::CredentialRow credential;
    credential.id = QStringLiteral("cred-1");
    credential.teamId = kTeam;
    credential.name = QStringLiteral("api");
    credential.createdAt = credential.updatedAt = 1;
    store::CredentialStore credentials(*m_db);
    QVERIFY(credentials.create(credential, QByteArray()));
    store::PolicyRow policy;
    policy.allowedApprovers = { allowed };
    QVERIFY(credentials.putPolicy(kTeam, credential.id, policy));

    const store::ApprovalRow row = parkOne(
            { QByteArrayLiteral("GET"), QStringLiteral("https://api.example/"), {}, {}, {}, {} });
    approvals::Approver who;
    who.via = QStringLiteral("admin");
    who.teamId = kTeam;
    who.userId = user.id;
    who.email = user.email;
    auto decision = m_service->mayDecide(row, who);
    QVERIFY2(decision, qPrintable(test::errorText(decision)));
    QCOMPARE(decision.value(), may);
}

QTEST_GUILESS_MAIN(TestApprovalsGate)
#include "tst_approvals_gate.moc"
