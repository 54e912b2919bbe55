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
};

// OpenSSL's CSPRNG. Thread-safe.
class SystemRandom final : public Random
{
public:
    QByteArray bytes(int count) override;
};

} // namespace tap::core
