#include "core/random.h"

#include <QUuid>

#include <openssl/rand.h>

#include <cstdlib>
#include <cstring>

namespace tap::core {

namespace {

void randomOrAbort(unsigned char *out, int count)
{
    if (count > 0 && RAND_bytes(out, count) != 1)
        std::abort(); // no randomness means no safe way to go on
}

} // namespace

QString Random::hexToken(int byteCount)
{
    return QString::fromLatin1(bytes(byteCount).toHex());
}

QString Random::uuid()
{
    unsigned char b[16];
    idBytes(b);
    b[6] = (b[6] & 0x0f) | 0x40; // RFC 4122 §4.4: version 4
    b[8] = (b[8] & 0x3f) | 0x80; // variant 10
    return QUuid::fromRfc4122(QByteArrayView(b, sizeof b)).toString(QUuid::WithoutBraces);
}

void Random::idBytes(unsigned char (&out)[16])
{
    const QByteArray b = bytes(16);
    std::memset(out, 0, 16);
    std::memcpy(out, b.constData(), size_t(qMin<qsizetype>(b.size(), 16)));
}

QByteArray SystemRandom::bytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    randomOrAbort(reinterpret_cast<unsigned char *>(out.data()), count);
    return out;
}

void SystemRandom::idBytes(unsigned char (&out)[16])
{
    // 64 ids per RAND_bytes() call; each id's bytes are wiped from the block once taken.
    struct Block
    {
        unsigned char bytes[1024];
        int used = sizeof bytes;
    };
    thread_local Block block;
    if (block.used + 16 > int(sizeof block.bytes)) {
        randomOrAbort(block.bytes, int(sizeof block.bytes));
        block.used = 0;
    }
    std::memcpy(out, block.bytes + block.used, 16);
    std::memset(block.bytes + block.used, 0, 16);
    block.used += 16;
}

} // namespace tap::core
