// AuditJournal (common/store/auditjournal.h): the file format round-trips every field of a
// record, a torn or damaged line is skipped and counted (never fatal), one process per file
// (flock), and a failed append leaves no torn bytes behind.
#include "store/auditjournal.h"
#include "support/databasefixture.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

#include <sys/resource.h>

using namespace tap;
using store::AuditJournal;

namespace {

class CountingRandom final : public core::Random
{
public:
    QByteArray bytes(int count) override
    {
        QByteArray out(count, '\0');
        for (char &c : out)
            c = char(++m_next * 37);
        return out;
    }

private:
    int m_next = 0;
};

store::AuditRecord sample(int i)
{
    store::AuditRecord r;
    r.ts = 1765000000000 + i;
    r.teamId = QStringLiteral("team-a");
    r.kind = QStringLiteral("forward");
    r.requestId = QStringLiteral("req-%1").arg(i);
    r.remoteAddr = QStringLiteral("127.0.0.1");
    r.agentId = QStringLiteral("agent-1");
    r.agentHomeTeamId = QStringLiteral("team-b");
    r.credential = QStringLiteral("cred");
    r.credentialScope = QStringLiteral("team");
    r.method = QStringLiteral("GET");
    // Everything JSON must escape, and text beyond ASCII.
    r.target =
            QStringLiteral("https://example.test/a?b=\"c\"\n\u00e9\\d\t\x01\x1f\u2028 \U0001F600");
    r.decision = QStringLiteral("auto");
    r.reason = QStringLiteral("why");
    r.approver = QStringLiteral("a@example.test");
    r.upstreamStatus = 201;
    r.status = 201;
    r.latencyMs = 12;
    r.upstreamLatencyMs = 0;
    r.redactions = 3;
    r.detail = { { QStringLiteral("oauth2_retried"), true },
                 { QStringLiteral("decision_reason"), QStringLiteral("a \"b\"") } };
    return r;
}

void appendRaw(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Append));
    QCOMPARE(f.write(bytes), bytes.size());
}

} // namespace

class TestAuditJournal : public QObject
{
    Q_OBJECT
private slots:
    void entriesRoundTrip();
    void tornAndDamagedLinesAreSkipped_data();
    void tornAndDamagedLinesAreSkipped();
    void oneProcessPerFile();
    void anotherProcessHoldsIt();
    void truncateKeepsTheHeader();
    void failedAppendLeavesNoTornBytes();
    void notAJournalIsRefused();
};

void TestAuditJournal::entriesRoundTrip()
{
    QTemporaryDir dir;
    CountingRandom random;
    auto journal = AuditJournal::create(dir.path(), random);
    QVERIFY2(journal, qPrintable(test::errorText(journal)));
    QVERIFY(journal.value()->isEmpty());
    QCOMPARE(AuditJournal::files(dir.path()), QStringList{ journal.value()->path() });
    QCOMPARE(QFileInfo(journal.value()->path()).permissions(),
             QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser);
    store::AuditRecord minimal;
    minimal.ts = 5;
    minimal.teamId = QStringLiteral("t");
    QVERIFY(journal.value()->append(1, sample(1)));
    QVERIFY(journal.value()->append(2, minimal));
    auto contents = journal.value()->read();
    QVERIFY(contents);
    QCOMPARE(contents->entries.size(), 2);
    QCOMPARE(contents->damagedLines, 0);
    QVERIFY(!contents->tornTail);
    QCOMPARE(contents->entries.at(0).number, 1);
    QCOMPARE(contents->entries.at(0).record.toJson(), sample(1).toJson());
    QCOMPARE(contents->entries.at(1).number, 2);
    QCOMPARE(contents->entries.at(1).record.toJson(), minimal.toJson());
}

void TestAuditJournal::tornAndDamagedLinesAreSkipped_data()
{
    QTest::addColumn<QByteArray>("junk");
    QTest::addColumn<bool>("torn");
    QTest::addColumn<int>("damaged");
    const QByteArray entry = AuditJournal::encodeEntry(3, sample(3));
    QTest::addRow("torn tail") << entry.left(entry.size() / 2) << true << 0;
    QTest::addRow("torn tail, one byte") << entry.left(1) << true << 0;
    QTest::addRow("torn before the newline") << entry.chopped(1) << true << 0;
    QByteArray flipped = entry;
    flipped[flipped.size() - 5] = 'X';
    QTest::addRow("bad checksum") << flipped << false << 1;
    QTest::addRow("zeros") << QByteArray(40, '\0') + '\n' << false << 1;
    QTest::addRow("garbage") << QByteArray("12 zzzzzzzz {}\n") << false << 1;
    QTest::addRow("empty line") << QByteArray("\n") << false << 1;
}

// A torn write at the end (the process was killed inside write(): that request was never
// answered) or a damaged line is skipped and reported; the good entries are all there.
void TestAuditJournal::tornAndDamagedLinesAreSkipped()
{
    QFETCH(QByteArray, junk);
    QFETCH(bool, torn);
    QFETCH(int, damaged);
    QTemporaryDir dir;
    CountingRandom random;
    QString path;
    {
        auto journal = AuditJournal::create(dir.path(), random);
        QVERIFY(journal);
        QVERIFY(journal.value()->append(1, sample(1)));
        QVERIFY(journal.value()->append(2, sample(2)));
        path = journal.value()->path();
    }
    appendRaw(path, junk);
    if (!torn) // damage in the middle: an entry after it still counts
        appendRaw(path, AuditJournal::encodeEntry(4, sample(4)));
    auto journal = AuditJournal::adopt(path);
    QVERIFY2(journal, qPrintable(test::errorText(journal)));
    auto contents = journal.value()->read();
    QVERIFY(contents);
    QCOMPARE(contents->tornTail, torn);
    QCOMPARE(contents->damagedLines, damaged);
    QList<qint64> numbers;
    for (const auto &e : contents->entries)
        numbers << e.number;
    QCOMPARE(numbers, torn ? QList<qint64>({ 1, 2 }) : QList<qint64>({ 1, 2, 4 }));
}

// flock: while a journal object holds the file, nobody else adopts it (flock locks belong to the
// open file, so a second open() in this process is refused like another process would be).
void TestAuditJournal::oneProcessPerFile()
{
    QTemporaryDir dir;
    CountingRandom random;
    auto first = AuditJournal::create(dir.path(), random);
    QVERIFY(first);
    auto second = AuditJournal::adopt(first.value()->path());
    QVERIFY(!second);
    QCOMPARE(second.error().code(), core::ErrorCode::Conflict);
    QVERIFY(second.error().message().contains(QStringLiteral("in use")));
    const QString path = first.value()->path();
    first.value().reset(); // the process ended: its file is free
    auto adopted = AuditJournal::adopt(path);
    QVERIFY2(adopted, qPrintable(test::errorText(adopted)));
    QVERIFY(adopted.value()->remove());
    QVERIFY(!QFile::exists(path));
    QVERIFY(AuditJournal::files(dir.path()).isEmpty());
    QCOMPARE(AuditJournal::adopt(path).error().code(), core::ErrorCode::Conflict); // gone
}

// The same across processes: util-linux flock(1) holds the file as a running tapd would.
void TestAuditJournal::anotherProcessHoldsIt()
{
    const QString flock = QStandardPaths::findExecutable(QStringLiteral("flock"));
    if (flock.isEmpty())
        QSKIP("no flock(1)");
    QTemporaryDir dir;
    CountingRandom random;
    QString path;
    {
        auto journal = AuditJournal::create(dir.path(), random);
        QVERIFY(journal);
        path = journal.value()->path();
    }
    QProcess holder;
    // flock(1) holds the lock until `cat` ends, when its stdin is closed.
    holder.start(flock,
                 { QStringLiteral("--exclusive"), QStringLiteral("--close"), path,
                   QStringLiteral("cat") });
    QVERIFY(holder.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(!AuditJournal::adopt(path), 10000);
    QCOMPARE(AuditJournal::adopt(path).error().code(), core::ErrorCode::Conflict);
    holder.closeWriteChannel();
    QVERIFY(holder.waitForFinished());
    auto adopted = AuditJournal::adopt(path);
    QVERIFY2(adopted, qPrintable(test::errorText(adopted)));
}

void TestAuditJournal::truncateKeepsTheHeader()
{
    QTemporaryDir dir;
    CountingRandom random;
    auto journal = AuditJournal::create(dir.path(), random);
    QVERIFY(journal);
    const qint64 empty = journal.value()->size();
    QVERIFY(journal.value()->append(1, sample(1)));
    QVERIFY(journal.value()->size() > empty);
    QVERIFY(journal.value()->truncate());
    QCOMPARE(journal.value()->size(), empty);
    QCOMPARE(QFileInfo(journal.value()->path()).size(), empty);
    QVERIFY(journal.value()->append(2, sample(2)));
    auto contents = journal.value()->read();
    QVERIFY(contents);
    QCOMPARE(contents->entries.size(), 1);
    QCOMPARE(contents->entries.first().number, 2);
    const QString path = journal.value()->path();
    journal.value().reset();
    auto again = AuditJournal::adopt(path); // the header survives the truncation
    QVERIFY2(again, qPrintable(test::errorText(again)));
    QCOMPARE(again.value()->id(), QFileInfo(path).completeBaseName().mid(6));
}

// The file may not grow (a full disk, here RLIMIT_FSIZE): append() fails, the part of the line
// that was written is cut off again, and a later append starts on a clean line.
void TestAuditJournal::failedAppendLeavesNoTornBytes()
{
    QTemporaryDir dir;
    CountingRandom random;
    auto journal = AuditJournal::create(dir.path(), random);
    QVERIFY(journal);
    QVERIFY(journal.value()->append(1, sample(1)));
    const qint64 before = journal.value()->size();
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit saved{};
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &saved), 0);
    rlimit small = saved;
    small.rlim_cur = rlim_t(before + 20); // 20 bytes of the next line fit
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
    auto failed = journal.value()->append(2, sample(2));
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &saved), 0);
    QVERIFY(!failed);
    QCOMPARE(failed.error().code(), core::ErrorCode::Unavailable);
    QCOMPARE(journal.value()->size(), before);
    QCOMPARE(QFileInfo(journal.value()->path()).size(), before);
    QVERIFY(journal.value()->append(3, sample(3)));
    auto contents = journal.value()->read();
    QVERIFY(contents);
    QCOMPARE(contents->damagedLines, 0);
    QVERIFY(!contents->tornTail);
    QCOMPARE(contents->entries.size(), 2);
}

void TestAuditJournal::notAJournalIsRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit-x.journal"));
    appendRaw(path, "hello\n");
    auto journal = AuditJournal::adopt(path);
    QVERIFY(!journal);
    QCOMPARE(journal.error().code(), core::ErrorCode::InvalidRequest);
    QFile::remove(path);
    appendRaw(path, "TAP-AUDIT-JOURNAL 1 y\n"); // the id must be the file's
    QVERIFY(!AuditJournal::adopt(path));
}

QTEST_GUILESS_MAIN(TestAuditJournal)
#include "tst_auditjournal.moc"
