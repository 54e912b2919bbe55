#include "crypto/passwordhasher.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using tap::core::SecretBytes;
using tap::crypto::PasswordHasher;

namespace {

SecretBytes pw(const char *text)
{
    return SecretBytes(QByteArrayView(text));
}

} // namespace

class TestPasswordHasher : public QObject
{
    Q_OBJECT

private slots:
    void hashAndVerify_data();
    void hashAndVerify();
    void hashesAreSalted();
    void verifyRejectsGarbage_data();
    void verifyRejectsGarbage();
    void dummyHash();

    void hashAsyncDeliversOnContextThread();
    void verifyAsyncDeliversOnContextThread();
    void asyncDeliversToContextInAnotherThread();
    void asyncManyConcurrent();
    void contextDeletedBeforeCompletion();
    void contextDeletedBeforeDelivery();

private:
    PasswordHasher m_hasher{ PasswordHasher::Cost::Minimum };
};

void TestPasswordHasher::hashAndVerify_data()
{
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<QByteArray>("wrong");

    QTest::addRow("ascii") << QByteArrayLiteral("correct horse battery staple")
                           << QByteArrayLiteral("correct horse battery stapl");
    QTest::addRow("case-differs") << QByteArrayLiteral("Password1")
                                  << QByteArrayLiteral("password1");
    QTest::addRow("utf8") << QByteArrayLiteral("p\xc3\xa4ssw\xc3\xb6rd") // "pässwörd"
                          << QByteArrayLiteral("passwoerd");
    QTest::addRow("empty") << QByteArray() << QByteArrayLiteral(" ");
    QTest::addRow("embedded-nul") << QByteArray("abc\0def", 7) << QByteArray("abc\0deg", 7);
    QTest::addRow("long") << QByteArray(4096, 'x') << QByteArray(4095, 'x');
}

void TestPasswordHasher::hashAndVerify()
{
    QFETCH(QByteArray, password);
    QFETCH(QByteArray, wrong);

    const QString hash = m_hasher.hash(SecretBytes(password));
    QVERIFY(hash.startsWith(QLatin1String("$argon2id$")));
    QVERIFY(!hash.contains(QString::fromUtf8(password)) || password.isEmpty());
    QVERIFY(m_hasher.verify(hash, SecretBytes(password)));
    QVERIFY(!m_hasher.verify(hash, SecretBytes(wrong)));

    // Another hasher instance (another process) verifies the same string.
    PasswordHasher other(PasswordHasher::Cost::Minimum, 1);
    QVERIFY(other.verify(hash, SecretBytes(password)));
}

void TestPasswordHasher::hashesAreSalted()
{
    const QString a = m_hasher.hash(pw("same password"));
    const QString b = m_hasher.hash(pw("same password"));
    QVERIFY(!a.isEmpty());
    QVERIFY(a != b);
    QVERIFY(m_hasher.verify(a, pw("same password")));
    QVERIFY(m_hasher.verify(b, pw("same password")));
}

void TestPasswordHasher::verifyRejectsGarbage_data()
{
    QTest::addColumn<QString>("stored");

    const QString real = PasswordHasher(PasswordHasher::Cost::Minimum).hash(pw("secret"));

    QTest::addRow("empty") << QString();
    QTest::addRow("garbage") << QStringLiteral("garbage");
    QTest::addRow("plaintext-password") << QStringLiteral("secret");
    QTest::addRow("prefix-only") << QStringLiteral("$argon2id$");
    QTest::addRow("truncated") << real.first(real.size() - 5);
    QTest::addRow("hash-part-dropped") << real.first(real.lastIndexOf(u'$'));
    QString flipped = real;
    const qsizetype last = flipped.size() - 2;
    flipped[last] = flipped.at(last) == u'A' ? u'B' : u'A';
    QTest::addRow("hash-char-changed") << flipped;
    QTest::addRow("trailing-junk") << QString(real + QStringLiteral("junk"));
    QTest::addRow("overlong") << QString(real + QString(200, u'A'));
    QTest::addRow("non-latin1") << QStringLiteral("$argon2id$\u20ac");
    QTest::addRow("bcrypt") << QStringLiteral(
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW");
}

void TestPasswordHasher::verifyRejectsGarbage()
{
    QFETCH(QString, stored);

    QVERIFY(!m_hasher.verify(stored, pw("secret")));
    QVERIFY(!m_hasher.verify(stored, SecretBytes()));
}

void TestPasswordHasher::dummyHash()
{
    const QString dummy = m_hasher.dummyHash();
    QVERIFY(dummy.startsWith(QLatin1String("$argon2id$")));
    QCOMPARE(m_hasher.dummyHash(), dummy); // stable for the hasher's lifetime

    for (const char *guess : { "", "password", "secret", "dummy", "0000000000000000" })
        QVERIFY2(!m_hasher.verify(dummy, pw(guess)), guess);

    // Each hasher draws its own random dummy password.
    PasswordHasher other(PasswordHasher::Cost::Minimum, 1);
    QVERIFY(other.dummyHash() != dummy);
}

void TestPasswordHasher::hashAsyncDeliversOnContextThread()
{
    QObject context;
    bool called = false;
    QString result;
    QThread *deliveredOn = nullptr;

    m_hasher.hashAsync(pw("async password"), &context, [&](QString hash) {
        called = true;
        result = std::move(hash);
        deliveredOn = QThread::currentThread();
    });
    // Queued: never invoked from inside hashAsync itself.
    QVERIFY(!called);

    QTRY_VERIFY(called);
    QCOMPARE(deliveredOn, QThread::currentThread());
    QVERIFY(result.startsWith(QLatin1String("$argon2id$")));
    QVERIFY(m_hasher.verify(result, pw("async password")));
    QVERIFY(!m_hasher.verify(result, pw("other password")));
}

void TestPasswordHasher::verifyAsyncDeliversOnContextThread()
{
    const QString hash = m_hasher.hash(pw("async password"));
    QObject context;

    struct Outcome
    {
        bool called = false;
        bool ok = false;
        QThread *thread = nullptr;
    };
    Outcome right;
    Outcome wrong;
    Outcome garbage;
    auto recorder = [](Outcome &outcome) {
        return [&outcome](bool ok) {
            outcome.called = true;
            outcome.ok = ok;
            outcome.thread = QThread::currentThread();
        };
    };

    m_hasher.verifyAsync(hash, pw("async password"), &context, recorder(right));
    m_hasher.verifyAsync(hash, pw("wrong password"), &context, recorder(wrong));
    m_hasher.verifyAsync(QStringLiteral("garbage"), pw("async password"), &context,
                         recorder(garbage));
    QVERIFY(!right.called && !wrong.called && !garbage.called);

    QTRY_VERIFY(right.called && wrong.called && garbage.called);
    QVERIFY(right.ok);
    QVERIFY(!wrong.ok);
    QVERIFY(!garbage.ok);
    QCOMPARE(right.thread, QThread::currentThread());
    QCOMPARE(wrong.thread, QThread::currentThread());
    QCOMPARE(garbage.thread, QThread::currentThread());
}

// The callback runs on the context object's thread, whichever thread made the call.
void TestPasswordHasher::asyncDeliversToContextInAnotherThread()
{
    QThread contextThread;
    contextThread.start();
    auto *context = new QObject;
    context->moveToThread(&contextThread);

    std::atomic<QThread *> hashThread = nullptr;
    std::atomic<QThread *> verifyThread = nullptr;
    std::atomic<bool> verifyOk = false;
    const QString hash = m_hasher.hash(pw("threaded"));

    m_hasher.hashAsync(pw("threaded"), context,
                       [&](const QString &) { hashThread = QThread::currentThread(); });
    m_hasher.verifyAsync(hash, pw("threaded"), context, [&](bool ok) {
        verifyOk = ok;
        verifyThread = QThread::currentThread();
    });

    QTRY_VERIFY(hashThread.load() != nullptr && verifyThread.load() != nullptr);
    QCOMPARE(hashThread.load(), &contextThread);
    QCOMPARE(verifyThread.load(), &contextThread);
    QVERIFY(verifyOk.load());

    context->deleteLater(); // deleted by its own thread when that thread finishes
    contextThread.quit();
    QVERIFY(contextThread.wait(10000));
}

void TestPasswordHasher::asyncManyConcurrent()
{
    // More requests than pool threads: every one is answered, each with its own result.
    QObject context;
    constexpr int count = 8;
    int answered = 0;
    QList<bool> results(count, false);
    const QString hash = m_hasher.hash(pw("even"));
    for (int i = 0; i < count; ++i) {
        m_hasher.verifyAsync(hash, pw(i % 2 == 0 ? "even" : "odd"), &context, [&, i](bool ok) {
            results[i] = ok;
            ++answered;
        });
    }
    QTRY_COMPARE(answered, count);
    for (int i = 0; i < count; ++i)
        QCOMPARE(results.at(i), i % 2 == 0);
}

// The context dies while the hash is still being computed: the callback is dropped.
void TestPasswordHasher::contextDeletedBeforeCompletion()
{
    auto called = std::make_shared<bool>(false);
    {
        PasswordHasher hasher(PasswordHasher::Cost::Minimum, 1);
        auto *context = new QObject;
        hasher.hashAsync(pw("p1"), context, [called](const QString &) { *called = true; });
        hasher.verifyAsync(hasher.dummyHash(), pw("p2"), context,
                           [called](bool) { *called = true; });
        delete context;
        // ~PasswordHasher waits for the pool.
    }
    QTest::qWait(50);
    QCoreApplication::processEvents();
    QVERIFY(!*called);
}

// The result has been posted but the context dies before the event loop delivers it.
void TestPasswordHasher::contextDeletedBeforeDelivery()
{
    auto called = std::make_shared<bool>(false);
    QPointer<QObject> context = new QObject;
    {
        PasswordHasher hasher(PasswordHasher::Cost::Minimum, 1);
        hasher.hashAsync(pw("p1"), context, [called](const QString &) { *called = true; });
        hasher.verifyAsync(hasher.dummyHash(), pw("p2"), context,
                           [called](bool) { *called = true; });
        // ~PasswordHasher waits for the pool: both results are now queued for `context`.
    }
    QVERIFY(!*called);
    delete context.data();
    QVERIFY(context.isNull());
    QTest::qWait(50);
    QCoreApplication::processEvents();
    QVERIFY(!*called);
}

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "tst_passwordhasher.moc"
