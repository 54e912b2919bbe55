#include "crypto/masterkey.h"

#include <QFile>
#include <QFileInfo>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tap::crypto {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;

Result<SecretBytes> MasterKey::fromHex(QByteArrayView hexIn)
{
    QByteArrayView hex = hexIn.trimmed();
    bool valid = hex.size() == 64;
    for (char c : hex)
        valid = valid
                && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    if (!valid)
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("The master key must be exactly 64 hexadecimal digits."));
    QByteArray raw = QByteArray::fromHex(QByteArray(hex.data(), hex.size()));
    return SecretBytes::adopt(std::move(raw));
}

namespace {

Result<SecretBytes> createKeyFile(const QString &path, core::Random &random)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error(ErrorCode::Internal,
                     QStringLiteral("Cannot create the master key file %1: %2")
                             .arg(path, QString::fromLocal8Bit(strerror(errno))));
    SecretBytes key = SecretBytes::adopt(random.bytes(32));
    QByteArray hex = QByteArray::fromRawData(key.constData(), key.size()).toHex() + '\n';
    const bool ok =
            ::write(fd, hex.constData(), size_t(hex.size())) == hex.size() && ::fsync(fd) == 0;
    core::wipe(hex);
    ::close(fd);
    if (!ok) {
        ::unlink(native.constData());
        return Error(ErrorCode::Internal,
                     QStringLiteral("Cannot write the master key file %1.").arg(path));
    }
    return key;
}

} // namespace

Result<SecretBytes> MasterKey::fromFile(const QString &path, bool createIfMissing,
                                        core::Random &random)
{
    QFileInfo info(path);
    if (!info.exists()) {
        if (createIfMissing)
            return createKeyFile(path, random);
        return Error(ErrorCode::NotFound,
                     QStringLiteral("The master key file %1 does not exist.").arg(path));
    }
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0 || !S_ISREG(st.st_mode))
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("The master key file %1 is not a regular file.").arg(path));
    if ((st.st_mode & 077) != 0)
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("The master key file %1 is readable by other users "
                                    "(mode %2); run: chmod 600 %1")
                             .arg(path)
                             .arg(st.st_mode & 0777, 3, 8, QLatin1Char('0')));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("Cannot read the master key file %1.").arg(path));
    QByteArray content = file.read(200);
    auto key = fromHex(content);
    core::wipe(content);
    if (!key)
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("The master key file %1 is malformed: %2")
                             .arg(path, key.error().message()));
    return key;
}

} // namespace tap::crypto
