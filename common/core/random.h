#pragma once

#include <QByteArray>

namespace tap::core {

// Source of cryptographically strong random bytes. Take `Random &` as a parameter so that
// tests can inject a deterministic source.
class Random
{
public:
    virtual ~Random() = default;
    virtual QByteArray bytes(int count) = 0;

    QString hexToken(int byteCount); // lowercase hex of byteCount random bytes
    QString uuid(); // random (version 4) UUID without braces

protected:
    // The 16 random bytes of one uuid(): bytes(16) unless the source has a cheaper way.
    virtual void idBytes(unsigned char (&out)[16]);
};

// OpenSSL's CSPRNG. Thread-safe. bytes() asks OpenSSL every time (secrets never wait in a
// buffer); uuid() takes its bytes from a per-thread block of OpenSSL output, refilled when used
// up: a request id is public, and one RAND_bytes() per id cost more than the rest of making it.
// The block is not renewed after fork(): a forked child must not make ids.
class SystemRandom final : public Random
{
public:
    QByteArray bytes(int count) override;

protected:
    void idBytes(unsigned char (&out)[16]) override;
};

} // namespace tap::core
