#include "core/random.h"

#include <QUuid>

#include <openssl/rand.h>

#include <cstdlib>

namespace tap::core {

QString Random::hexToken(int byteCount)
{
    return QString::fromLatin1(bytes(byteCount).toHex());
}

QString Random::uuid()
{
    QByteArray b = bytes(16);
    b[6] = char((b[6] & 0x0f) | 0x40); // RFC 4122 §4.4: version 4
    b[8] = char((b[8] & 0x3f) | 0x80); // variant 10
    return QUuid::fromRfc4122(b).toString(QUuid::WithoutBraces);
}

QByteArray SystemRandom::bytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), count) != 1)
        std::abort(); // no randomness means no safe way to go on
    return out;
}

} // namespace tap::core
