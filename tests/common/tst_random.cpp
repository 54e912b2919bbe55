#include "core/random.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using tap::core::Random;
using tap::core::SystemRandom;

namespace {

// Always the same 16 bytes: uuid() of an injected source is made of bytes(16).
class FixedRandom final : public Random
{
public:
    QByteArray bytes(int count) override
    {
        ++calls;
        return QByteArray::fromHex("00112233445566778899aabbccddeeff").left(count);
    }
    int calls = 0;
};

const QRegularExpression kUuidV4(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));

} // namespace

class TestRandom : public QObject
{
    Q_OBJECT

private slots:
    void uuidOfAnInjectedSource();
    void uuidShapeAndDistinct();
    void uuidAcrossThreads();
    void bytesAreFresh();
    void uuidBenchmark();
};

// Tests that inject a Random still get ids made of what they injected (version and variant set).
void TestRandom::uuidOfAnInjectedSource()
{
    FixedRandom random;
    QCOMPARE(random.uuid(), QStringLiteral("00112233-4455-4677-8899-aabbccddeeff"));
    QCOMPARE(random.calls, 1);
}

// Many more ids than one per-thread block holds: all version 4, all different.
void TestRandom::uuidShapeAndDistinct()
{
    SystemRandom random;
    QSet<QString> seen;
    for (int i = 0; i < 20000; ++i) {
        const QString id = random.uuid();
        QVERIFY2(kUuidV4.match(id).hasMatch(), qPrintable(id));
        QVERIFY2(!seen.contains(id), qPrintable(id));
        seen.insert(id);
    }
}

// Each thread draws from its own block: no two threads hand out the same id.
void TestRandom::uuidAcrossThreads()
{
    SystemRandom random;
    constexpr int kThreads = 4;
    constexpr int kEach = 5000;
    std::vector<QStringList> ids(kThreads);
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back(QThread::create([&random, &out = ids[size_t(t)]] {
            for (int i = 0; i < kEach; ++i)
                out << random.uuid();
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(60000));
    QSet<QString> seen;
    for (const QStringList &list : ids) {
        QCOMPARE(list.size(), kEach);
        for (const QString &id : list) {
            QVERIFY2(kUuidV4.match(id).hasMatch(), qPrintable(id));
            seen.insert(id);
        }
    }
    QCOMPARE(seen.size(), kThreads * kEach);
}

// bytes() (secrets) is not served from the id block: ids and bytes never share output.
void TestRandom::bytesAreFresh()
{
    SystemRandom random;
    QSet<QByteArray> seen;
    for (int i = 0; i < 200; ++i) {
        const QString id = random.uuid();
        const QByteArray b = random.bytes(16);
        QCOMPARE(b.size(), 16);
        QVERIFY(!seen.contains(b));
        seen.insert(b);
        QVERIFY(QString(id).remove(u'-').toLatin1() != b.toHex());
    }
    QCOMPARE(random.bytes(0).size(), 0);
}

// Supporting evidence only (never fails on timing): the cost of one request id.
void TestRandom::uuidBenchmark()
{
    SystemRandom random;
    QString id;
    QBENCHMARK {
        id = random.uuid();
    }
    QVERIFY(kUuidV4.match(id).hasMatch());
}

QTEST_GUILESS_MAIN(TestRandom)
#include "tst_random.moc"
