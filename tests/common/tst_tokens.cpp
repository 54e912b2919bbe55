#include "core/secretbytes.h"
#include "crypto/tokens.h"

#include <QSet>
#include <QTest>

#include <deque>
#include <utility>

using tap::core::Random;
using tap::core::SecretBytes;
using tap::core::SystemRandom;
using tap::crypto::hasTokenShape;
using tap::crypto::newNumericCode;
using tap::crypto::newToken;
using tap::crypto::TokenKind;

namespace {

// Hands out prepared byte strings, one per bytes() call, and records the sizes asked for.
class ScriptedRandom final : public Random
{
public:
    explicit ScriptedRandom(std::deque<QByteArray> script) : m_script(std::move(script)) { }

    QByteArray bytes(int count) override
    {
        m_requests.append(count);
        if (m_script.empty())
            return QByteArray(count, '\0');
        QByteArray next = m_script.front();
        m_script.pop_front();
        return next;
    }

    const QList<int> &requests() const { return m_requests; }
    bool exhausted() const { return m_script.empty(); }

private:
    std::deque<QByteArray> m_script;
    QList<int> m_requests;
};

QString prefixOf(TokenKind kind)
{
    switch (kind) {
    case TokenKind::AgentKey:
        return QStringLiteral("tap_");
    case TokenKind::Session:
        return QStringLiteral("taps_");
    case TokenKind::Invite:
        return QStringLiteral("tapi_");
    }
    return {};
}

const QString kBody43 = QStringLiteral("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE");

} // namespace

class TestTokens : public QObject
{
    Q_OBJECT

private slots:
    void newTokenShape_data();
    void newTokenShape();
    void newTokenEncodesRandomBytes();
    void hasTokenShapeRejects_data();
    void hasTokenShapeRejects();

    void numericCode();
    void numericCodeFromScriptedBytes_data();
    void numericCodeFromScriptedBytes();

    void secretBytesCopyIsDeep();
    void secretBytesMove();
    void secretBytesClear();
    void secretBytesAdopt();
    void wipe();
    void constantTimeEquals_data();
    void constantTimeEquals();

private:
    SystemRandom m_random;
};

void TestTokens::newTokenShape_data()
{
    QTest::addColumn<TokenKind>("kind");
    QTest::addColumn<QString>("prefix");

    QTest::addRow("agent-key") << TokenKind::AgentKey << QStringLiteral("tap_");
    QTest::addRow("session") << TokenKind::Session << QStringLiteral("taps_");
    QTest::addRow("invite") << TokenKind::Invite << QStringLiteral("tapi_");
}

void TestTokens::newTokenShape()
{
    QFETCH(TokenKind, kind);
    QFETCH(QString, prefix);

    QSet<QString> seen;
    for (int i = 0; i < 200; ++i) {
        const QString token = newToken(kind, m_random);
        QVERIFY2(token.startsWith(prefix), qPrintable(token));
        QCOMPARE(token.size(), prefix.size() + 43);
        QVERIFY2(hasTokenShape(kind, token), qPrintable(token));
        for (TokenKind other : { TokenKind::AgentKey, TokenKind::Session, TokenKind::Invite }) {
            if (other != kind)
                QVERIFY2(!hasTokenShape(other, token), qPrintable(token));
        }
        // 256 bits of unpadded base64url.
        const QByteArray body = token.sliced(prefix.size()).toLatin1();
        QVERIFY(!body.contains('=') && !body.contains('+') && !body.contains('/'));
        const auto decoded = QByteArray::fromBase64Encoding(
                body, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        QVERIFY(decoded);
        QCOMPARE(decoded.decoded.size(), 32);
        seen.insert(token);
    }
    QCOMPARE(seen.size(), 200);
}

void TestTokens::newTokenEncodesRandomBytes()
{
    // All 0xff bytes: every base64url character is '_' (the last sextet is padded with zeros).
    ScriptedRandom random({ QByteArray(32, '\xff') });
    const QString token = newToken(TokenKind::Session, random);
    QCOMPARE(random.requests(), QList<int>({ 32 }));
    QCOMPARE(token, QString(QStringLiteral("taps_") + QString(42, u'_') + u'8'));
    QVERIFY(hasTokenShape(TokenKind::Session, token));

    // Bytes whose standard base64 has '+' and '/' come out as '-' and '_'.
    ScriptedRandom random2({ QByteArray(32, '\xfb') });
    const QString token2 = newToken(TokenKind::AgentKey, random2);
    QVERIFY(token2.contains(u'-') || token2.contains(u'_'));
    QVERIFY(hasTokenShape(TokenKind::AgentKey, token2));
}

void TestTokens::hasTokenShapeRejects_data()
{
    QTest::addColumn<TokenKind>("kind");
    QTest::addColumn<QString>("token");

    // Sanity rows first: the hand-made body is accepted under every prefix.
    const QString agent = prefixOf(TokenKind::AgentKey);
    QTest::addRow("empty") << TokenKind::AgentKey << QString();
    QTest::addRow("prefix-only") << TokenKind::AgentKey << agent;
    QTest::addRow("body-only") << TokenKind::AgentKey << kBody43;
    QTest::addRow("upper-case-prefix")
            << TokenKind::AgentKey << QString(QStringLiteral("TAP_") + kBody43);
    QTest::addRow("dash-prefix") << TokenKind::AgentKey
                                 << QString(QStringLiteral("tap-") + kBody43);
    QTest::addRow("other-prefix") << TokenKind::AgentKey
                                  << QString(QStringLiteral("tok_") + kBody43);
    QTest::addRow("session-as-agent")
            << TokenKind::AgentKey << QString(QStringLiteral("taps_") + kBody43);
    QTest::addRow("invite-as-agent")
            << TokenKind::AgentKey << QString(QStringLiteral("tapi_") + kBody43);
    QTest::addRow("agent-as-session") << TokenKind::Session << QString(agent + kBody43);
    QTest::addRow("agent-as-invite") << TokenKind::Invite << QString(agent + kBody43);
    QTest::addRow("body-42") << TokenKind::AgentKey << QString(agent + kBody43.first(42));
    QTest::addRow("body-44") << TokenKind::AgentKey << QString(agent + kBody43 + u'A');
    QTest::addRow("padded") << TokenKind::AgentKey << QString(agent + kBody43 + u'=');
    QTest::addRow("leading-space") << TokenKind::AgentKey << QString(u' ' + agent + kBody43);
    QTest::addRow("trailing-newline") << TokenKind::AgentKey << QString(agent + kBody43 + u'\n');

    struct BadChar
    {
        const char *name;
        char16_t c;
    };
    for (const BadChar bad :
         { BadChar{ "plus", u'+' }, BadChar{ "slash", u'/' }, BadChar{ "equals", u'=' },
           BadChar{ "space", u' ' }, BadChar{ "dot", u'.' }, BadChar{ "nul", u'\0' },
           BadChar{ "e-acute", u'\u00e9' }, BadChar{ "arabic-indic-digit", u'\u0663' },
           BadChar{ "fullwidth-a", u'\uff21' } }) {
        QString body = kBody43;
        body[20] = QChar(bad.c);
        QTest::addRow("bad-char-%s", bad.name) << TokenKind::AgentKey << QString(agent + body);
    }
}

void TestTokens::hasTokenShapeRejects()
{
    QFETCH(TokenKind, kind);
    QFETCH(QString, token);

    // The well-formed version of the same kind is accepted.
    QVERIFY(hasTokenShape(kind, QString(prefixOf(kind) + kBody43)));
    QVERIFY(!hasTokenShape(kind, token));
}

void TestTokens::numericCode()
{
    QSet<QString> seen;
    QList<int> firstDigitCounts(10, 0);
    for (int i = 0; i < 2000; ++i) {
        const QString code = newNumericCode(m_random);
        QCOMPARE(code.size(), 6);
        for (QChar c : code)
            QVERIFY2(c >= u'0' && c <= u'9', qPrintable(code));
        ++firstDigitCounts[code.at(0).digitValue()];
        seen.insert(code);
    }
    QVERIFY(seen.size() > 1900); // 2000 draws from 10^6: collisions are rare
    for (int count : firstDigitCounts)
        QVERIFY(count > 100); // ~200 expected per leading digit; leading zeros are kept
}

void TestTokens::numericCodeFromScriptedBytes_data()
{
    QTest::addColumn<QByteArray>("script"); // concatenated 4-byte draws
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("draws");

    QTest::addRow("zero") << QByteArray::fromHex("00000000") << QStringLiteral("000000") << 1;
    QTest::addRow("leading-zeros")
            << QByteArray::fromHex("00000007") << QStringLiteral("000007") << 1;
    QTest::addRow("big-endian") << QByteArray::fromHex("0001e240") << QStringLiteral("123456") << 1;
    QTest::addRow("million-wraps")
            << QByteArray::fromHex("000f4240") << QStringLiteral("000000") << 1;
    // 4293999999 = 0xfff13d7f is the largest accepted draw.
    QTest::addRow("largest-accepted")
            << QByteArray::fromHex("fff13d7f") << QStringLiteral("999999") << 1;
    // 4294000000 = 0xfff13d80 and above are rejected and drawn again (no modulo bias).
    QTest::addRow("smallest-rejected") << QByteArray::fromHex("fff13d80"
                                                              "00000005")
                                       << QStringLiteral("000005") << 2;
    QTest::addRow("max-rejected") << QByteArray::fromHex("ffffffff"
                                                         "ffffffff"
                                                         "0001e240")
                                  << QStringLiteral("123456") << 3;
}

void TestTokens::numericCodeFromScriptedBytes()
{
    QFETCH(QByteArray, script);
    QFETCH(QString, expected);
    QFETCH(int, draws);

    std::deque<QByteArray> chunks;
    for (qsizetype i = 0; i < script.size(); i += 4)
        chunks.push_back(script.sliced(i, 4));
    ScriptedRandom random(std::move(chunks));

    QCOMPARE(newNumericCode(random), expected);
    QCOMPARE(random.requests().size(), draws);
    QVERIFY(random.exhausted());
    for (int n : random.requests())
        QCOMPARE(n, 4);
}

void TestTokens::secretBytesCopyIsDeep()
{
    const QByteArray raw = QByteArrayLiteral("top secret value");
    SecretBytes a(raw);
    QCOMPARE(a.size(), raw.size());
    QCOMPARE(a.exposeCopy(), raw);
    QVERIFY(a.constData() != raw.constData()); // the constructor copies

    SecretBytes b(a);
    QCOMPARE(b.exposeCopy(), raw);
    QVERIFY(b.constData() != a.constData());

    SecretBytes c;
    c = a;
    QCOMPARE(c.exposeCopy(), raw);
    QVERIFY(c.constData() != a.constData());

    // Clearing the original leaves the copies intact.
    a.clear();
    QVERIFY(a.isEmpty());
    QCOMPARE(b.exposeCopy(), raw);
    QCOMPARE(c.exposeCopy(), raw);

    // Copy-assigning over a non-empty value replaces it.
    SecretBytes d(QByteArrayLiteral("old"));
    d = b;
    QCOMPARE(d.exposeCopy(), raw);

    // Self-assignment keeps the content.
    SecretBytes &alias = d;
    d = alias;
    QCOMPARE(d.exposeCopy(), raw);

    // exposeCopy() is independent of the SecretBytes.
    QByteArray exposed = d.exposeCopy();
    QVERIFY(exposed.constData() != d.constData());
    d.clear();
    QCOMPARE(exposed, raw);
}

void TestTokens::secretBytesMove()
{
    const QByteArray raw = QByteArrayLiteral("move me");
    SecretBytes a(raw);
    const char *buffer = a.constData();

    SecretBytes b(std::move(a));
    QVERIFY(a.isEmpty()); // NOLINT(bugprone-use-after-move): moved-from state is specified
    QCOMPARE(a.size(), 0);
    QCOMPARE(b.exposeCopy(), raw);
    QCOMPARE(b.constData(), buffer); // the buffer moved, it was not copied

    SecretBytes c(QByteArrayLiteral("previous content"));
    c = std::move(b);
    QVERIFY(b.isEmpty()); // NOLINT(bugprone-use-after-move)
    QCOMPARE(c.exposeCopy(), raw);
    QCOMPARE(c.constData(), buffer);

    // A moved-from object is usable again.
    b = SecretBytes(QByteArrayLiteral("reused"));
    QCOMPARE(b.exposeCopy(), QByteArrayLiteral("reused"));
}

void TestTokens::secretBytesClear()
{
    SecretBytes s(QByteArrayLiteral("clear me"));
    QVERIFY(!s.isEmpty());
    s.clear();
    QVERIFY(s.isEmpty());
    QCOMPARE(s.size(), 0);
    QVERIFY(s.view().isEmpty());
    s.clear(); // idempotent
    QVERIFY(s.isEmpty());

    SecretBytes empty;
    QVERIFY(empty.isEmpty());
    empty.clear();
    QVERIFY(empty.isEmpty());
}

void TestTokens::secretBytesAdopt()
{
    // An unshared buffer is taken over without a copy.
    QByteArray raw = QByteArrayLiteral("adopted buffer");
    raw.detach();
    const char *buffer = raw.constData();
    SecretBytes s = SecretBytes::adopt(std::move(raw));
    QCOMPARE(s.exposeCopy(), QByteArrayLiteral("adopted buffer"));
    QCOMPARE(s.constData(), buffer);

    // A shared buffer is copied: clearing the SecretBytes leaves the other owner intact.
    QByteArray original = QByteArrayLiteral("shared buffer");
    original.detach();
    QByteArray sharedCopy = original;
    SecretBytes t = SecretBytes::adopt(std::move(sharedCopy));
    QVERIFY(t.constData() != original.constData());
    t.clear();
    QCOMPARE(original, QByteArrayLiteral("shared buffer"));
}

void TestTokens::wipe()
{
    QByteArray owned = QByteArrayLiteral("wipe this");
    owned.detach();
    tap::core::wipe(owned);
    QVERIFY(owned.isEmpty());

    // Wiping one owner of a shared buffer does not destroy the other owner's bytes.
    QByteArray a = QByteArrayLiteral("shared");
    a.detach();
    QByteArray b = a;
    tap::core::wipe(b);
    QVERIFY(b.isEmpty());
    QCOMPARE(a, QByteArrayLiteral("shared"));

    QByteArray empty;
    tap::core::wipe(empty);
    QVERIFY(empty.isEmpty());

    // Raw data that the QByteArray does not own is not written to.
    static const char external[] = "external";
    QByteArray raw = QByteArray::fromRawData(external, 8);
    tap::core::wipe(raw);
    QVERIFY(raw.isEmpty());
    QCOMPARE(QByteArrayView(external), QByteArrayView("external"));
}

void TestTokens::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");

    QTest::addRow("equal") << QByteArrayLiteral("abcdef") << QByteArrayLiteral("abcdef") << true;
    QTest::addRow("both-empty") << QByteArray() << QByteArray() << true;
    QTest::addRow("null-and-empty") << QByteArray() << QByteArrayLiteral("") << true;
    QTest::addRow("binary-equal") << QByteArray::fromHex("00ff00") << QByteArray::fromHex("00ff00")
                                  << true;
    QTest::addRow("first-byte-differs")
            << QByteArrayLiteral("Xbcdef") << QByteArrayLiteral("abcdef") << false;
    QTest::addRow("last-byte-differs")
            << QByteArrayLiteral("abcdeX") << QByteArrayLiteral("abcdef") << false;
    QTest::addRow("one-bit-differs")
            << QByteArray::fromHex("00ff00") << QByteArray::fromHex("00fe00") << false;
    QTest::addRow("prefix") << QByteArrayLiteral("abc") << QByteArrayLiteral("abcdef") << false;
    QTest::addRow("longer") << QByteArrayLiteral("abcdefg") << QByteArrayLiteral("abcdef") << false;
    QTest::addRow("empty-vs-nonempty") << QByteArray() << QByteArrayLiteral("a") << false;
    QTest::addRow("trailing-nul") << QByteArray("abc\0", 4) << QByteArrayLiteral("abc") << false;
}

void TestTokens::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);

    QCOMPARE(tap::core::constantTimeEquals(a, b), equal);
    QCOMPARE(tap::core::constantTimeEquals(b, a), equal);
    QCOMPARE(tap::core::constantTimeEquals(SecretBytes(a).view(), b), equal);
}

QTEST_APPLESS_MAIN(TestTokens)
#include "tst_tokens.moc"
