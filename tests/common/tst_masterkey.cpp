#include "crypto/masterkey.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using tap::core::ErrorCode;
using tap::core::SecretBytes;
using tap::core::SystemRandom;
using tap::crypto::MasterKey;

namespace {

const QByteArray kHex =
        QByteArrayLiteral("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

int fileMode(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
}

// Writes `content` to `path` and sets its mode (independent of the umask).
bool writeFile(const QString &path, const QByteArray &content, mode_t mode)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(content) != content.size())
        return false;
    file.close();
    return ::chmod(QFile::encodeName(path).constData(), mode) == 0;
}

} // namespace

class TestMasterKey : public QObject
{
    Q_OBJECT

private slots:
    void fromHexValid_data();
    void fromHexValid();
    void fromHexInvalid_data();
    void fromHexInvalid();

    void missingFileWithoutCreate();
    void missingFileIsCreated();
    void createdFileIsReusable();
    void createInMissingDirectoryFails();
    void existingFileIsRead();
    void permissiveModeIsRefused_data();
    void permissiveModeIsRefused();
    void malformedFile_data();
    void malformedFile();
    void directoryIsRefused();

private:
    SystemRandom m_random;
};

void TestMasterKey::fromHexValid_data()
{
    QTest::addColumn<QByteArray>("hex");

    QTest::addRow("lowercase") << kHex;
    QTest::addRow("uppercase") << kHex.toUpper();
    QByteArray mixed = kHex;
    for (qsizetype i = 0; i < mixed.size(); ++i) { // every other byte's letter in upper case
        if (mixed.at(i) >= 'a' && mixed.at(i) <= 'f' && (i / 2) % 2 == 1)
            mixed[i] = char(mixed.at(i) - 'a' + 'A');
    }
    QTest::addRow("mixed-case") << mixed;
    QTest::addRow("trailing-newline") << QByteArray(kHex + '\n');
    QTest::addRow("trailing-crlf") << QByteArray(kHex + "\r\n");
}

void TestMasterKey::fromHexValid()
{
    QFETCH(QByteArray, hex);

    const auto key = MasterKey::fromHex(hex);
    QVERIFY2(key.ok(), key.ok() ? "" : qPrintable(key.error().message()));
    QCOMPARE(key->size(), 32);
    QCOMPARE(key->exposeCopy().toHex(), kHex);
}

void TestMasterKey::fromHexInvalid_data()
{
    QTest::addColumn<QByteArray>("hex");

    QTest::addRow("empty") << QByteArray();
    QTest::addRow("newline-only") << QByteArrayLiteral("\n");
    QTest::addRow("63-digits") << kHex.first(63);
    QTest::addRow("62-digits") << kHex.first(62);
    QTest::addRow("65-digits") << QByteArray(kHex + '0');
    QTest::addRow("66-digits") << QByteArray(kHex + "00");
    QTest::addRow("128-digits") << QByteArray(kHex + kHex);
    QByteArray nonHex = kHex;
    nonHex[10] = 'g';
    QTest::addRow("non-hex-g") << nonHex;
    nonHex[10] = 'z';
    QTest::addRow("non-hex-z") << nonHex;
    QTest::addRow("0x-prefix") << QByteArray("0x" + kHex.first(62));
    QByteArray inner = kHex;
    inner[32] = ' ';
    QTest::addRow("space-inside") << inner;
    QByteArray nul = kHex;
    nul[5] = '\0';
    QTest::addRow("nul-inside") << nul;
    QTest::addRow("base64") << QByteArray::fromHex(kHex).toBase64();
    QTest::addRow("raw-bytes") << QByteArray::fromHex(kHex);
}

void TestMasterKey::fromHexInvalid()
{
    QFETCH(QByteArray, hex);

    const auto key = MasterKey::fromHex(hex);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code(), ErrorCode::InvalidRequest);
    QVERIFY(!key.error().message().isEmpty());
    // The message never echoes the (possibly secret) input.
    if (hex.size() >= 8)
        QVERIFY(!key.error().message().contains(QString::fromLatin1(hex)));
}

void TestMasterKey::missingFileWithoutCreate()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("master.key"));

    const auto key = MasterKey::fromFile(path, false, m_random);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code(), ErrorCode::NotFound);
    QVERIFY(!QFileInfo::exists(path)); // nothing was created
}

void TestMasterKey::missingFileIsCreated()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("master.key"));

    const auto key = MasterKey::fromFile(path, true, m_random);
    QVERIFY2(key.ok(), key.ok() ? "" : qPrintable(key.error().message()));
    QCOMPARE(key->size(), 32);

    QFileInfo info(path);
    QVERIFY(info.exists());
    QVERIFY(info.isFile());
    QCOMPARE(fileMode(path), 0600);
    QCOMPARE(info.permissions()
                     & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther
                        | QFile::WriteOther | QFile::ExeOther),
             QFile::Permissions());

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QCOMPARE(content.size(), 65);
    QVERIFY(content.endsWith('\n'));
    const QByteArray hex = content.first(64);
    for (char c : hex)
        QVERIFY2((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'), content.constData());
    QCOMPARE(key->exposeCopy().toHex(), hex);
}

void TestMasterKey::createdFileIsReusable()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("master.key"));

    const auto created = MasterKey::fromFile(path, true, m_random);
    QVERIFY(created.ok());
    // The next start reads the same key back, with or without createIfMissing.
    const auto again = MasterKey::fromFile(path, true, m_random);
    QVERIFY(again.ok());
    QCOMPARE(again->exposeCopy(), created->exposeCopy());
    const auto readOnly = MasterKey::fromFile(path, false, m_random);
    QVERIFY(readOnly.ok());
    QCOMPARE(readOnly->exposeCopy(), created->exposeCopy());

    // A second file gets a different random key.
    const auto other =
            MasterKey::fromFile(dir.filePath(QStringLiteral("other.key")), true, m_random);
    QVERIFY(other.ok());
    QVERIFY(other->exposeCopy() != created->exposeCopy());
}

void TestMasterKey::createInMissingDirectoryFails()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("no/such/dir/master.key"));

    const auto key = MasterKey::fromFile(path, true, m_random);
    QVERIFY(!key.ok());
    QVERIFY(!QFileInfo::exists(path));
}

void TestMasterKey::existingFileIsRead()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("master.key"));
    QVERIFY(writeFile(path, QByteArray(kHex.toUpper() + '\n'), 0600));

    const auto key = MasterKey::fromFile(path, false, m_random);
    QVERIFY2(key.ok(), key.ok() ? "" : qPrintable(key.error().message()));
    QCOMPARE(key->exposeCopy().toHex(), kHex);

    // createIfMissing does not overwrite an existing file.
    const auto again = MasterKey::fromFile(path, true, m_random);
    QVERIFY(again.ok());
    QCOMPARE(again->exposeCopy().toHex(), kHex);

    // 0400 (owner read-only) is fine too.
    QVERIFY(::chmod(QFile::encodeName(path).constData(), 0400) == 0);
    QVERIFY(MasterKey::fromFile(path, false, m_random).ok());
}

void TestMasterKey::permissiveModeIsRefused_data()
{
    QTest::addColumn<int>("mode");

    QTest::addRow("0644") << 0644;
    QTest::addRow("0640") << 0640;
    QTest::addRow("0604") << 0604;
    QTest::addRow("0660") << 0660;
    QTest::addRow("0666") << 0666;
    QTest::addRow("0610") << 0610; // group execute only
    QTest::addRow("0602") << 0602; // others write only
}

void TestMasterKey::permissiveModeIsRefused()
{
    QFETCH(int, mode);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("master.key"));
    QVERIFY(writeFile(path, QByteArray(kHex + '\n'), mode_t(mode)));
    QCOMPARE(fileMode(path), mode);

    for (bool create : { false, true }) {
        const auto key = MasterKey::fromFile(path, create, m_random);
        QVERIFY(!key.ok());
        QCOMPARE(key.error().code(), ErrorCode::InvalidRequest);
        QVERIFY2(key.error().message().contains(QStringLiteral("chmod 600")),
                 qPrintable(key.error().message()));
        QVERIFY(!key.error().message().contains(QString::fromLatin1(kHex)));
    }
    QCOMPARE(fileMode(path), mode); // the file is left alone
}

void TestMasterKey::malformedFile_data()
{
    QTest::addColumn<QByteArray>("content");

    QTest::addRow("empty") << QByteArray();
    QTest::addRow("63-digits") << QByteArray(kHex.first(63) + '\n');
    QTest::addRow("65-digits") << QByteArray(kHex + "0\n");
    QByteArray nonHex = kHex;
    nonHex[0] = 'x';
    QTest::addRow("non-hex") << QByteArray(nonHex + '\n');
    QTest::addRow("two-keys") << QByteArray(kHex + '\n' + kHex + '\n');
    QTest::addRow("raw-bytes") << QByteArray::fromHex(kHex);
    QTest::addRow("key-value") << QByteArray("MASTER_KEY=" + kHex + '\n');
    QTest::addRow("trailing-garbage") << QByteArray(kHex + "\n#comment\n");
}

void TestMasterKey::malformedFile()
{
    QFETCH(QByteArray, content);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("master.key"));
    QVERIFY(writeFile(path, content, 0600));

    for (bool create : { false, true }) {
        const auto key = MasterKey::fromFile(path, create, m_random);
        QVERIFY(!key.ok());
        QCOMPARE(key.error().code(), ErrorCode::InvalidRequest);
        QVERIFY2(key.error().message().contains(QStringLiteral("malformed")),
                 qPrintable(key.error().message()));
    }
    // Not replaced by a fresh key.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), content);
}

void TestMasterKey::directoryIsRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("keydir"));
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("keydir")));
    QVERIFY(::chmod(QFile::encodeName(path).constData(), 0700) == 0);

    for (bool create : { false, true }) {
        const auto key = MasterKey::fromFile(path, create, m_random);
        QVERIFY(!key.ok());
        QCOMPARE(key.error().code(), ErrorCode::InvalidRequest);
    }
    QVERIFY(QFileInfo(path).isDir());
    QVERIFY(QDir(path).isEmpty());
}

QTEST_APPLESS_MAIN(TestMasterKey)
#include "tst_masterkey.moc"
