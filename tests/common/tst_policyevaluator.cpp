#include "policy/policyevaluator.h"

#include <QTest>

using tap::policy::Decision;
using tap::policy::Rules;
using tap::policy::Verdict;

namespace {

// An example policy: GET auto-approved, two Slack URLs auto-approved, the rest needs approval.
Rules slackPolicy()
{
    return { { QStringLiteral("GET") },
             { QStringLiteral("POST"), QStringLiteral("PUT"), QStringLiteral("DELETE") },
             { QStringLiteral("/conversations.list"), QStringLiteral("/users.list") } };
}

} // namespace

class TestPolicyEvaluator : public QObject
{
    Q_OBJECT

private slots:
    void evaluate_data();
    void evaluate();
    void noPolicyAlwaysNeedsApproval_data();
    void noPolicyAlwaysNeedsApproval();
};

void TestPolicyEvaluator::evaluate_data()
{
    QTest::addColumn<QStringList>("autoMethods");
    QTest::addColumn<QStringList>("requireMethods");
    QTest::addColumn<QStringList>("autoUrls");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("url");
    QTest::addColumn<Verdict>("verdict");
    QTest::addColumn<QString>("reason");

    const Rules slack = slackPolicy();
    const auto add = [](const char *name, const Rules &r, const char *method, const char *url,
                        Verdict verdict, const char *reason) {
        QTest::addRow("%s", name) << r.autoApproveMethods << r.requireApprovalMethods
                                  << r.autoApproveUrls << QString::fromLatin1(method)
                                  << QString::fromLatin1(url) << verdict
                                  << QString::fromLatin1(reason);
    };
    const char *convList = "https://slack.com/api/conversations.list";
    const char *postMsg = "https://slack.com/api/chat.postMessage";

    // The example policy.
    add("seed: GET auto", slack, "GET", postMsg, Verdict::AutoApprove, "auto_approve_method");
    add("seed: POST requires", slack, "POST", postMsg, Verdict::RequireApproval,
        "require_approval_method");
    add("seed: DELETE requires", slack, "DELETE", postMsg, Verdict::RequireApproval,
        "require_approval_method");
    add("seed: POST to auto url", slack, "POST", convList, Verdict::AutoApprove,
        "auto_approve_url");
    add("seed: DELETE to auto url", slack, "DELETE", convList, Verdict::AutoApprove,
        "auto_approve_url");
    add("seed: url with query", slack, "POST", "https://slack.com/api/users.list?limit=5",
        Verdict::AutoApprove, "auto_approve_url");
    add("seed: PATCH unlisted", slack, "PATCH", postMsg, Verdict::RequireApproval,
        "not_auto_approved");
    add("seed: OPTIONS unlisted", slack, "OPTIONS", postMsg, Verdict::RequireApproval,
        "not_auto_approved");
    add("seed: unknown verb", slack, "PURGE", postMsg, Verdict::RequireApproval,
        "not_auto_approved");

    // Method matching is case-insensitive; HEAD follows GET.
    add("lower-case method", slack, "get", postMsg, Verdict::AutoApprove, "auto_approve_method");
    add("lower-case list", Rules{ { QStringLiteral("get") }, {}, {} }, "GET", postMsg,
        Verdict::AutoApprove, "auto_approve_method");
    add("HEAD follows GET", slack, "HEAD", postMsg, Verdict::AutoApprove, "auto_approve_method");
    add("head follows get", slack, "head", postMsg, Verdict::AutoApprove, "auto_approve_method");
    add("HEAD listed itself", Rules{ { QStringLiteral("HEAD") }, {}, {} }, "HEAD", postMsg,
        Verdict::AutoApprove, "auto_approve_method");
    add("GET does not follow HEAD", Rules{ { QStringLiteral("HEAD") }, {}, {} }, "GET", postMsg,
        Verdict::RequireApproval, "not_auto_approved");
    add("HEAD requires when GET requires", Rules{ {}, { QStringLiteral("GET") }, {} }, "HEAD",
        postMsg, Verdict::RequireApproval, "require_approval_method");
    add("HEAD without GET anywhere", Rules{ { QStringLiteral("POST") }, {}, {} }, "HEAD", postMsg,
        Verdict::RequireApproval, "not_auto_approved");
    add("no prefix match on methods", Rules{ { QStringLiteral("GET") }, {}, {} }, "GETX", postMsg,
        Verdict::RequireApproval, "not_auto_approved");
    add("empty method", slack, "", postMsg, Verdict::RequireApproval, "not_auto_approved");

    // Order: auto url beats require method; auto method beats require method.
    add("auto and require both list POST",
        Rules{ { QStringLiteral("POST") }, { QStringLiteral("POST") }, {} }, "POST", postMsg,
        Verdict::AutoApprove, "auto_approve_method");
    add("auto url beats require method",
        Rules{ {}, { QStringLiteral("POST") }, { QStringLiteral("chat.post") } }, "POST", postMsg,
        Verdict::AutoApprove, "auto_approve_url");

    // URL entries are substrings of the whole URL, case-sensitive; empty entries are ignored.
    add("url substring of host", Rules{ {}, {}, { QStringLiteral("slack.com") } }, "PUT", postMsg,
        Verdict::AutoApprove, "auto_approve_url");
    add("url substring case matters", Rules{ {}, {}, { QStringLiteral("/USERS.LIST") } }, "PUT",
        "https://slack.com/api/users.list", Verdict::RequireApproval, "not_auto_approved");
    add("empty url entry ignored", Rules{ {}, {}, { QString() } }, "PUT", postMsg,
        Verdict::RequireApproval, "not_auto_approved");
    add("url entry not present", slack, "PUT", "https://slack.com/api/users.info",
        Verdict::RequireApproval, "require_approval_method");

    // An empty policy still exists: nothing is auto-approved.
    add("empty policy GET", Rules{}, "GET", postMsg, Verdict::RequireApproval, "not_auto_approved");
    add("empty policy HEAD", Rules{}, "HEAD", postMsg, Verdict::RequireApproval,
        "not_auto_approved");
}

void TestPolicyEvaluator::evaluate()
{
    QFETCH(QStringList, autoMethods);
    QFETCH(QStringList, requireMethods);
    QFETCH(QStringList, autoUrls);
    QFETCH(QString, method);
    QFETCH(QString, url);
    QFETCH(Verdict, verdict);
    QFETCH(QString, reason);

    const Decision decision =
            tap::policy::evaluate(Rules{ autoMethods, requireMethods, autoUrls }, method, url);
    QCOMPARE(decision.reason, reason);
    QCOMPARE(decision.verdict, verdict);
}

void TestPolicyEvaluator::noPolicyAlwaysNeedsApproval_data()
{
    QTest::addColumn<QString>("method");
    for (const char *method : { "GET", "HEAD", "POST", "DELETE", "" })
        QTest::addRow("%s", method) << QString::fromLatin1(method);
}

// A credential without a policy: every request requires approval.
void TestPolicyEvaluator::noPolicyAlwaysNeedsApproval()
{
    QFETCH(QString, method);
    const Decision decision =
            tap::policy::evaluate(std::nullopt, method, u"https://slack.com/api/users.list");
    QCOMPARE(decision.verdict, Verdict::RequireApproval);
    QCOMPARE(decision.reason, QStringLiteral("no_policy"));
}

QTEST_APPLESS_MAIN(TestPolicyEvaluator)
#include "tst_policyevaluator.moc"
