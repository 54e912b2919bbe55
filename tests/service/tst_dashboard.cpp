// The approvers' web inbox (CONTRACT.md "Web inbox", issue #18): GET /dashboard and its assets
// as tapd serves them from the compiled-in resources — content types, the strict CSP (no inline
// script or style, no framing), cache headers with ETag revalidation, 404 for unknown assets,
// no cookie ever (the page keeps its session in the tab and sends a bearer token, also at
// sign-in), and the scripts shared with the approval page. Against the real tapd binary.
#include "support/httpclient.h"
#include "support/tapdharness.h"
#include "support/testdatabases.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace tap::test;

namespace {

constexpr auto kCsp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src "
                      "'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const QList<QPair<QByteArray, QByteArray>> kAssets = {
    { "dashboard.js", "text/javascript; charset=utf-8" },
    { "dashboard.css", "text/css; charset=utf-8" },
    { "tap.js", "text/javascript; charset=utf-8" },
    { "passkeys.js", "text/javascript; charset=utf-8" },
};

// The headers every page and asset carries; records a failure and returns false otherwise.
bool hasStrictHeaders(const HttpResponse &r, const char *what)
{
    const auto fail = [&](const QString &why) {
        QTest::qFail(qPrintable(QString::fromLatin1(what) + u": "_s + why + u" — "_s
                                + QString::fromLatin1(r.raw.left(1200))),
                     __FILE__, __LINE__);
        return false;
    };
    if (r.header("Content-Security-Policy") != kCsp)
        return fail(u"CSP"_s);
    if (r.header("X-Frame-Options") != "DENY")
        return fail(u"X-Frame-Options"_s);
    if (r.header("X-Content-Type-Options") != "nosniff")
        return fail(u"X-Content-Type-Options"_s);
    if (r.header("Referrer-Policy") != "no-referrer")
        return fail(u"Referrer-Policy"_s);
    if (!r.header("Set-Cookie").isEmpty())
        return fail(u"a cookie was set"_s);
    return true;
}

} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { addBackendRows(); }
    void init() { skipUnconfiguredBackend(); }

    void page();
    void assets();
    void revalidation();
    void unknownAssets();
    void sharedWithTheApprovalPage();
    void signInSetsNoCookie();
};

void TestDashboard::page()
{
    Tapd tapd;
    QVERIFY(tapd.start());
    const HttpClient anon = tapd.client();
    for (const QByteArray path : { "/dashboard", "/dashboard/" }) {
        const HttpResponse r = anon.get(path);
        EXPECT_STATUS(r, 200);
        QCOMPARE(r.header("Content-Type"), "text/html; charset=utf-8");
        QCOMPARE(r.header("Cache-Control"), "no-store");
        QVERIFY(hasStrictHeaders(r, path.constData()));
        for (const QByteArray asset : { "dashboard.css", "tap.js", "passkeys.js", "dashboard.js" })
            QVERIFY2(r.body.contains(QByteArray("\"/dashboard/" + asset + '"')), asset.constData());
        // Nothing the CSP would block: no inline script, style or event handler.
        const QString html = QString::fromUtf8(r.body);
        static const QRegularExpression inlineScript(u"<script(?![^>]*\\bsrc=)"_s);
        static const QRegularExpression inlineStyle(u"<style|\\sstyle=|\\son[a-z]+="_s);
        QVERIFY2(!inlineScript.match(html).hasMatch(), "inline script");
        QVERIFY2(!inlineStyle.match(html).hasMatch(), "inline style or event handler");
        // Responsive: the page is laid out at the device's width.
        QVERIFY(r.body.contains("name=\"viewport\" content=\"width=device-width"));
    }
    EXPECT_ERROR(anon.post("/dashboard"), 405, u"method_not_allowed"_s);
    EXPECT_CLEAN_STOP(tapd);
}

void TestDashboard::assets()
{
    Tapd tapd;
    QVERIFY(tapd.start());
    const HttpClient anon = tapd.client();
    for (const auto &[name, type] : kAssets) {
        const HttpResponse r = anon.get("/dashboard/" + name);
        EXPECT_STATUS(r, 200);
        QCOMPARE(r.header("Content-Type"), type);
        QCOMPARE(r.header("Cache-Control"), "no-cache");
        QVERIFY(r.header("ETag").startsWith('"'));
        QVERIFY(r.body.size() > 200);
        QVERIFY(hasStrictHeaders(r, name.constData()));
    }
    // The session is kept in the tab (sessionStorage) and sent as a bearer token: no cookie.
    const QByteArray shared = anon.get("/dashboard/tap.js").body;
    QVERIFY(shared.contains("sessionStorage"));
    QVERIFY(shared.contains("credentials: 'omit'"));
    QVERIFY(!shared.contains("document.cookie"));
    QVERIFY(!anon.get("/dashboard/dashboard.js").body.contains("localStorage"));
    EXPECT_CLEAN_STOP(tapd);
}

void TestDashboard::revalidation()
{
    Tapd tapd;
    QVERIFY(tapd.start());
    const HttpClient anon = tapd.client();
    const HttpResponse first = anon.get("/dashboard/dashboard.js");
    EXPECT_STATUS(first, 200);
    const QByteArray etag = first.header("ETag");
    const HttpResponse same = anon.get("/dashboard/dashboard.js", { { "If-None-Match", etag } });
    EXPECT_STATUS(same, 304);
    QVERIFY(same.body.isEmpty());
    QCOMPARE(same.header("ETag"), etag);
    QVERIFY(hasStrictHeaders(same, "304"));
    const HttpResponse listed = anon.get("/dashboard/dashboard.js",
                                         { { "If-None-Match", QByteArray("\"old\", W/" + etag) } });
    EXPECT_STATUS(listed, 304);
    const HttpResponse changed =
            anon.get("/dashboard/dashboard.js", { { "If-None-Match", "\"something-else\"" } });
    EXPECT_STATUS(changed, 200);
    QCOMPARE(changed.body, first.body);
    // Another file has another tag.
    QVERIFY(anon.get("/dashboard/tap.js").header("ETag") != etag);
    EXPECT_CLEAN_STOP(tapd);
}

void TestDashboard::unknownAssets()
{
    Tapd tapd;
    QVERIFY(tapd.start());
    const HttpClient anon = tapd.client();
    for (const QByteArray path :
         { "/dashboard/nope.js", "/dashboard/index.html", "/dashboard/app.js",
           "/dashboard/approve.css", "/dashboard/..%2Fapprove%2Findex.html", "/dashboard/%2E%2E",
           "/dashboard/dashboard.js/x", "/dashboard/tap.js.map" }) {
        const HttpResponse r = anon.get(path);
        EXPECT_ERROR(r, 404, u"not_found"_s);
        QVERIFY2(r.header("Set-Cookie").isEmpty(), path.constData());
    }
    EXPECT_CLEAN_STOP(tapd);
}

void TestDashboard::sharedWithTheApprovalPage()
{
    Tapd tapd;
    QVERIFY(tapd.start());
    const HttpClient anon = tapd.client();
    const QByteArray txn = "/approve/0b7c4a1e-2f3d-4c5b-8a69-7e8f9a0b1c2d";
    const HttpResponse page = anon.get(txn);
    EXPECT_STATUS(page, 200);
    QVERIFY(hasStrictHeaders(page, "approval page"));
    QCOMPARE(page.header("Cache-Control"), "no-store");
    for (const QByteArray name : { "tap.js", "passkeys.js" }) {
        QVERIFY2(page.body.contains(QByteArray(txn + '/' + name)), name.constData());
        const HttpResponse there = anon.get(txn + '/' + name);
        EXPECT_STATUS(there, 200);
        QCOMPARE(there.header("Content-Type"), "text/javascript; charset=utf-8");
        QVERIFY(hasStrictHeaders(there, name.constData()));
        QCOMPARE(there.body, anon.get("/dashboard/" + name).body);
    }
    for (const auto &[name, type] : { std::pair{ "app.js", "text/javascript; charset=utf-8" },
                                      std::pair{ "approve.css", "text/css; charset=utf-8" } }) {
        const HttpResponse r = anon.get(txn + '/' + name);
        EXPECT_STATUS(r, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray(type));
        QVERIFY(hasStrictHeaders(r, name));
    }
    EXPECT_CLEAN_STOP(tapd);
}

void TestDashboard::signInSetsNoCookie()
{
    Tapd tapd;
    QVERIFY(tapd.start());
    const Account owner = signUp(tapd, u"dash"_s, u"dash@example.test"_s);
    QVERIFY(!owner.token.isEmpty());
    const HttpClient anon = tapd.client();
    const HttpResponse login = anon.post(
            "/login", { { u"email"_s, owner.email }, { u"password"_s, u"pw-dash-long-enough"_s } });
    EXPECT_STATUS(login, 200);
    QVERIFY(login.json().value(u"session_token"_s).toString().startsWith(u"taps_"_s));
    QVERIFY(login.header("Set-Cookie").isEmpty());
    // The inbox's own calls: the pending list and its long poll, with the bearer token.
    const HttpClient member =
            tapd.client(login.json().value(u"session_token"_s).toString().toLatin1());
    const HttpResponse inbox = member.get("/admin/approvals?status=pending");
    EXPECT_STATUS(inbox, 200);
    QVERIFY(inbox.header("Set-Cookie").isEmpty());
    EXPECT_ERROR(anon.get("/admin/approvals?status=pending"), 401, u"unauthorized"_s);
    EXPECT_CLEAN_STOP(tapd);
}

QTEST_GUILESS_MAIN(TestDashboard)
#include "tst_dashboard.moc"
